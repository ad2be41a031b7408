package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.Arrays;
import java.util.List;

/**
 * Which hidden unit (or channel) each parameter belongs to: as one of its incoming weights or its
 * bias, and as one of its outgoing weights. A weight between two hidden layers belongs to two
 * units, the one it reads and the one it feeds. The classifier uses it to find the flat directions
 * that share a unit (METHOD 3: the components of a crossing meet at a unit).
 */
public final class UnitIndex {

    private static final int NONE = -1;

    private final int[] feeds;
    private final int[] reads;
    private final String[] names;

    private UnitIndex(int[] feeds, int[] reads, String[] names) {
        this.feeds = feeds;
        this.reads = reads;
        this.names = names;
    }

    public static UnitIndex of(Snapshot snapshot) {
        int p = snapshot.parameterCount();
        int[] feeds = new int[p];
        int[] reads = new int[p];
        Arrays.fill(feeds, NONE);
        Arrays.fill(reads, NONE);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            List<Unit> units = Unit.of(snapshot, layer);
            for (Unit u : units) {
                int id = names.size();
                names.add(layer.name() + ":" + u.index());
                for (int i : u.incoming()) {
                    feeds[i] = id;
                }
                for (int i : u.outgoing()) {
                    reads[i] = id;
                }
            }
        }
        return new UnitIndex(feeds, reads, names.toArray(new String[0]));
    }

    /** The units a direction's non-zero entries belong to, sorted, without repeats. */
    public int[] unitsOf(Direction u) {
        int[] out = new int[2 * u.nonZeros()];
        int n = 0;
        for (int k = 0; k < u.nonZeros(); k++) {
            int c = u.coordinate(k);
            if (feeds[c] != NONE) {
                out[n++] = feeds[c];
            }
            if (reads[c] != NONE) {
                out[n++] = reads[c];
            }
        }
        return Arrays.stream(out, 0, n).sorted().distinct().toArray();
    }

    /** "layer:unit" for a unit id. */
    public String name(int unit) {
        return names[unit];
    }

    public int units() {
        return names.length;
    }
}

package io.github.deaddirections.detect;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationRectifiedTanh;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The open intervals on which an activation is exactly constant, with its value there: below 0
 * for ReLU (0), below the threshold for a thresholded ReLU (0), above the cap of a capped ReLU,
 * outside [-1, 1] for the hard tanh (-1, 1), outside [-2.5, 2.5] for DL4J's hard sigmoid
 * ({@code min(1, max(0, 0.2 z + 0.5))}: 0, 1), below 0 and above 6 for ReLU6, below 0 for the
 * rectified tanh, below (l + u)/2 for RReLU at inference (DL4J M2.1 computes {@code max(z, (l+u)/2)}
 * there, a floor, not a leak). A unit whose pre-activation stays inside such pieces on every probe sample has a
 * zero derivative there: the network does not see its incoming weights until one sample reaches a
 * piece's end (METHOD 3, the tangent of a flat locus). The table is checked against the
 * activations themselves ({@code FlatPiecesTest}).
 */
public final class FlatPieces {

    /** One interval (from, to), open, and phi's constant value on it. */
    public record Piece(double from, double to, double value) {
        boolean contains(double z) {
            return z > from && z < to;
        }

        /** How far z is from the interval's nearest end. */
        double margin(double z) {
            return Math.min(z - from, to - z);
        }
    }

    private final List<Piece> pieces;

    private FlatPieces(List<Piece> pieces) {
        this.pieces = List.copyOf(pieces);
    }

    /** The activation's flat pieces, or empty when it has none (or is not known to have any). */
    public static Optional<FlatPieces> of(IActivation a) {
        double inf = Double.POSITIVE_INFINITY;
        List<Piece> p = new ArrayList<>();
        if (a instanceof ActivationReLU r) {
            double slope = r.getNegativeSlope() == null ? 0.0 : r.getNegativeSlope();
            double threshold = r.getThreshold() == null ? 0.0 : r.getThreshold();
            if (slope == 0.0) {
                p.add(new Piece(-inf, threshold, 0.0));
            }
            if (r.getMax() != null && r.getMax() > threshold) {
                p.add(new Piece(r.getMax(), inf, r.getMax()));
            }
        } else if (a instanceof ActivationThresholdedReLU t) {
            p.add(new Piece(-inf, t.getTheta(), 0.0));
        } else if (a instanceof ActivationReLU6) {
            p.add(new Piece(-inf, 0.0, 0.0));
            p.add(new Piece(6.0, inf, 6.0));
        } else if (a instanceof ActivationHardTanH) {
            p.add(new Piece(-inf, -1.0, -1.0));
            p.add(new Piece(1.0, inf, 1.0));
        } else if (a instanceof ActivationHardSigmoid) {
            // libnd4j's slope is the float32 0.2: the ends sit at -+0.5 / 0.2f, a hair inside -+2.5.
            double end = 0.5 / (double) 0.2f;
            p.add(new Piece(-inf, -end, 0.0));
            p.add(new Piece(end, inf, 1.0));
        } else if (a instanceof ActivationRectifiedTanh) {
            p.add(new Piece(-inf, 0.0, 0.0));
        } else if (a instanceof org.nd4j.linalg.activations.impl.ActivationRReLU r) {
            // At inference DL4J M2.1 computes max(z, (l + u) / 2).
            double floor = 0.5 * (r.getL() + r.getU());
            p.add(new Piece(-inf, floor, floor));
        }
        return p.isEmpty() ? Optional.empty() : Optional.of(new FlatPieces(p));
    }

    /** The piece holding z strictly inside, or null. */
    public Piece pieceOf(double z) {
        for (Piece piece : pieces) {
            if (piece.contains(z)) {
                return piece;
            }
        }
        return null;
    }

    public List<Piece> pieces() {
        return pieces;
    }
}

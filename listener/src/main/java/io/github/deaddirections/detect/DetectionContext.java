package io.github.deaddirections.detect;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.FisherSpectrum;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Optional;

/** What a detector may look at: the snapshot, the settings, and (on the exact path) the spectrum. */
public final class DetectionContext {

    private final Snapshot snapshot;
    private final ReadConfig config;
    private final FisherSpectrum spectrum;
    private Map<String, INDArray> layerInputs;
    private final java.util.List<String> skips = new java.util.ArrayList<>();
    private final Map<String, Optional<InactiveUnits>> inactiveUnits = new java.util.HashMap<>();

    public DetectionContext(Snapshot snapshot, ReadConfig config, FisherSpectrum spectrum) {
        this.snapshot = snapshot;
        this.config = config;
        this.spectrum = spectrum;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public ReadConfig config() {
        return config;
    }

    /** The exact Fisher spectrum, present when P is within the fisher-null limit. */
    public Optional<FisherSpectrum> spectrum() {
        return Optional.ofNullable(spectrum);
    }

    /** The input each layer sees at theta-hat (computed once, on first use). */
    public synchronized Map<String, INDArray> layerInputs() {
        if (layerInputs == null) {
            layerInputs = snapshot.model().layerInputs(snapshot.parametersView(), snapshot.layers());
        }
        return layerInputs;
    }

    /**
     * The layer's ReLU units inactive on the whole probe (computed once: the inactive-unit detector
     * claims them and the output-null detector leaves them out of its stencils).
     */
    synchronized Optional<InactiveUnits> inactiveUnits(io.github.deaddirections.snapshot.LayerInfo layer) {
        return inactiveUnits.computeIfAbsent(layer.name(), name -> InactiveUnits.of(this, layer));
    }

    /**
     * Records that a detector left a layer out because of a size bound (the report lists it: the
     * directions it would have found are then counted as regular, and lambda is a bound).
     */
    public synchronized void skipped(String mechanism, String layer, String why) {
        skips.add(mechanism + " on layer " + layer + ": " + why);
    }

    /** What {@link #skipped} recorded, in order. */
    public synchronized java.util.List<String> skips() {
        return java.util.List.copyOf(skips);
    }

    /** True when every given parameter is zero up to the dead-weight tolerance relative to {@code scale}. */
    public boolean allZero(int[] indices, double scale) {
        double[] theta = snapshot.parametersView();
        double tol = config.deadWeightTolerance() * scale;
        for (int i : indices) {
            if (Math.abs(theta[i]) > tol) {
                return false;
            }
        }
        return true;
    }
}

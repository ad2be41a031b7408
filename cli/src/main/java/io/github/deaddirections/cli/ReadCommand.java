package io.github.deaddirections.cli;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.ReportJson;
import io.github.deaddirections.report.ReportTable;
import io.github.deaddirections.resolve.NoiseVariance;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code dead-directions read}: one saved model and a probe set in, the report out (a table on
 * standard output, optionally JSON and HTML files). All outputs are written only once the read
 * has succeeded, and together (see {@link OutputFiles}).
 */
@Command(name = "read", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Read a saved DL4J model (ModelSerializer zip: MultiLayerNetwork or ComputationGraph) on a probe set.",
        footer = {"", "PROBE is a DataSet saved with DataSet.save (.bin, features only) or a CSV of features"
                + " (a header line is detected; --label-columns drops label columns at the right).",
                "Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure."})
final class ReadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DeadDirectionsCli parent;

    @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "The model zip to read.")
    Path model;

    @Option(names = "--probe", required = true, paramLabel = "PROBE", description = "Probe inputs: DataSet .bin or CSV.")
    Path probe;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings: the listener's YAML (config/dead-directions.yaml; its read: section is used, "
                    + "listener-only settings are ignored with a note) or a flat YAML/JSON of ReadConfig names, e.g. radiusPoints: 24.")
    Path config;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Write the report as JSON (schema dead-directions/v2).")
    Path json;

    @Option(names = "--html", paramLabel = "OUT.html", description = "Write a self-contained HTML report with one plot per direction.")
    Path html;

    @Option(names = "--max-samples", paramLabel = "N", description = "Use only the first N probe samples.")
    Integer maxSamples;

    @Option(names = "--label-columns", paramLabel = "K", defaultValue = "0",
            description = "CSV probes: the last K columns are labels, not features (default: ${DEFAULT-VALUE}).")
    int labelColumns;

    @Option(names = "--sample-size", paramLabel = "N",
            description = "n for lambda(n), the learning coefficient of the phase that dominates the posterior at n samples"
                    + " (default: the number of probe samples, stated in the output).")
    Long sampleSize;

    @Option(names = "--noise-variance", paramLabel = "S2",
            description = "Noise variance of a Gaussian (MSE) output for lambda(n). Default: the residual variance at the"
                    + " model's parameters over the probe's labels, when it has numeric ones; without either, a Gaussian"
                    + " output has no lambda(n).")
    Double noiseVariance;

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json != null && html != null && json.toAbsolutePath().normalize().equals(html.toAbsolutePath().normalize())) {
            throw new BadInputException("--json and --html name the same file " + json);
        }
        ConfigFile.Loaded loaded = config == null ? new ConfigFile.Loaded(ReadConfig.defaults(), List.of())
                : ConfigFile.loadWithNotes(config);
        if (loaded.note(config) != null && !quiet) {
            err.println(loaded.note(config));
        }
        ReadConfig settings = loaded.config();
        Progress progress = parent.progress(err, quiet);

        Model network = progress.phase("loading model " + model, () -> ModelLoader.load(model));
        INDArray inputs = progress.phase("loading probe " + probe, () -> ProbeLoader.load(probe, labelColumns, maxSamples));
        Snapshot snapshot = progress.phase("checking the model against the probe", () -> {
            FlatProbeCheck.check(network, inputs, probe);
            return Snapshot.of(network, inputs);
        });
        DeadDirectionReader reader = DeadDirectionReader.builder().config(settings).build();
        SampleSize n = sampleSize(snapshot);
        DeadDirectionReport report = progress.phase("reading " + snapshot.parameterCount() + " parameters on "
                + snapshot.probeSamples() + " probe samples " + Arrays.toString(inputs.shape()), () -> reader.read(snapshot, n));

        if (json != null || html != null) {
            progress.phase("writing " + outputs(), () -> {
                try (OutputFiles files = new OutputFiles()) {
                    if (json != null) {
                        files.stage(json, ReportJson.toJson(report));
                    }
                    if (html != null) {
                        files.stage(html, HtmlReport.render(report, settings, "model " + model.getFileName()
                                + ", probe " + probe.getFileName()));
                    }
                    files.commit();
                }
                return null;
            });
        }
        out.print(ReportTable.render(report));
        out.flush();
        return ExitCodes.OK;
    }

    /** n and sigma^2 for lambda(n): the options, else the probe's size and its labels' residual variance. */
    private SampleSize sampleSize(Snapshot snapshot) {
        if (sampleSize != null && sampleSize < 2) {
            throw new BadInputException("--sample-size must be at least 2, got " + sampleSize);
        }
        if (noiseVariance != null && !(noiseVariance > 0)) {
            throw new BadInputException("--noise-variance must be positive, got " + noiseVariance);
        }
        SampleSize n = sampleSize == null ? new SampleSize(0, "probe samples (default; set --sample-size to the training set size)", null)
                : new SampleSize(sampleSize, "--sample-size", null);
        if (noiseVariance != null) {
            return n.withNoiseVariance(new NoiseVariance(noiseVariance, "--noise-variance"));
        }
        java.util.Optional<double[][]> labels = ProbeLabels.load(probe, labelColumns, maxSamples);
        if (labels.isPresent()) {
            double[][] fitted = snapshot.model().output(snapshot.parametersView());
            if (fitted.length == labels.get().length && fitted[0].length == labels.get()[0].length) {
                return n.withNoiseVariance(NoiseVariance.residual(fitted, labels.get()));
            }
        }
        return n;
    }

    private String outputs() {
        return json != null && html != null ? json + " and " + html : String.valueOf(json != null ? json : html);
    }
}

package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deaddirections.llc.Calibration;
import io.github.deaddirections.llc.LlcData;
import io.github.deaddirections.llc.LlcEstimate;
import io.github.deaddirections.llc.LlcEstimator;
import io.github.deaddirections.llc.LlcSettings;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code dead-directions llc}: the sampling-based second opinion. Runs the SGLD local learning
 * coefficient estimator ({@link LlcEstimator}) on a saved model and labelled data, prints
 * lambda-hat with its spread and cost, and optionally writes it as JSON.
 */
@Command(name = "llc", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Estimate the local learning coefficient of a saved model by SGLD (devinterp's estimator).",
        footer = {"", "DATA is a DataSet saved with DataSet.save (.bin, features and labels) or a CSV whose last K columns"
                + " are labels (--label-columns K); --self-labels labels the features with the checkpoint itself.",
                "Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure."})
final class LlcCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DeadDirectionsCli parent;

    @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "The model zip (MultiLayerNetwork).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Labelled data: DataSet .bin or CSV.")
    Path data;

    @Option(names = "--label-columns", paramLabel = "K", defaultValue = "0",
            description = "CSV data: the last K columns are labels (default: ${DEFAULT-VALUE}).")
    int labelColumns;

    @Option(names = "--self-labels", description = "Label the features with the checkpoint (y = f(x) + noise, or drawn classes).")
    boolean selfLabels;

    @Option(names = "--max-samples", paramLabel = "N", description = "Use only the first N samples.")
    Integer maxSamples;

    /** Where the settings start; the options below override single values. */
    enum Profile {
        DEFAULT, DEVINTERP_TEST;

        LlcSettings settings() {
            return this == DEFAULT ? LlcSettings.defaults() : LlcSettings.devinterpTest();
        }
    }

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "default", converter = ProfileConverter.class,
            description = "default (eps 6e-4, gamma 1, 4 x 2000 draws after 200, full batch) or devinterp-test"
                    + " (devinterp's accuracy-test settings: 3 x 2000 draws, no burn-in).")
    Profile profile;

    static final class ProfileConverter implements picocli.CommandLine.ITypeConverter<Profile> {
        @Override
        public Profile convert(String value) {
            return Profile.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    @Option(names = "--step-size", paramLabel = "EPS", description = "SGLD step size (default 6e-4).")
    Double stepSize;

    @Option(names = "--localization", paramLabel = "GAMMA", description = "Pull towards the checkpoint (default 1).")
    Double localization;

    @Option(names = "--nbeta", paramLabel = "X", description = "n times the inverse temperature (default n / ln n).")
    Double nBeta;

    @Option(names = "--chains", paramLabel = "N", description = "Independent chains (default 4).")
    Integer chains;

    @Option(names = "--draws", paramLabel = "N", description = "Recorded steps per chain (default 2000).")
    Integer draws;

    @Option(names = "--burn-in", paramLabel = "N", description = "Unrecorded steps per chain first (default 200).")
    Integer burnIn;

    @Option(names = "--batch-size", paramLabel = "N", description = "Minibatch size (default: all samples, full batch).")
    Integer batchSize;

    @Option(names = "--full-loss-every", paramLabel = "K", description = "Record the full-data loss every K draws (default 0: minibatch loss).")
    Integer fullLossEvery;

    @Option(names = "--variance", paramLabel = "SIGMA2", description = "Variance of the Gaussian behind MSE/L2 (default 1).")
    Double variance;

    @Option(names = "--seed", paramLabel = "S", description = "Master seed (default 0).")
    Long seed;

    @Option(names = "--calibrate", description = "Sweep step size x localization (few draws each), show each setting's"
            + " estimate, chain spread and trace health, and recommend a setting.")
    boolean calibrate;

    @Option(names = "--calibrate-steps", paramLabel = "EPS,...", split = ",",
            description = "Step sizes to sweep (default 1e-5,3e-5,1e-4,3e-4,1e-3).")
    List<Double> calibrateSteps;

    @Option(names = "--calibrate-localizations", paramLabel = "GAMMA,...", split = ",",
            description = "Localizations to sweep (default 1,10,100).")
    List<Double> calibrateLocalizations;

    @Option(names = "--calibrate-draws", paramLabel = "N", description = "Recorded draws per swept setting (default 300).")
    Integer calibrateDraws;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Write the estimate (or the sweep) as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "OUT.html",
            description = "Write a self-contained HTML report with the loss traces per chain as plots (per setting for --calibrate).")
    Path html;

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LlcSettings settings = settings();
        if (json != null && html != null && json.toAbsolutePath().normalize().equals(html.toAbsolutePath().normalize())) {
            throw new BadInputException("--json and --html name the same file " + json);
        }
        Progress progress = parent.progress(err, quiet);
        Model network = progress.phase("loading model " + model, () -> ModelLoader.load(model));
        LlcData labelled = progress.phase("loading data " + data, () -> TrainingData.load(data, labelColumns, maxSamples,
                network, selfLabels, settings.gaussianVariance(), settings.seed()));
        if (calibrate) {
            return calibrate(settings, network, labelled, out, err);
        }
        LlcEstimate e = progress.phase("sampling " + settings.chains() + " chains x " + settings.draws() + " draws on "
                + labelled.samples() + " samples", () -> new LlcEstimator(settings).estimate(network, labelled));
        if (json != null || html != null) {
            progress.phase("writing " + outputs(), () -> {
                try (OutputFiles files = new OutputFiles()) {
                    if (json != null) {
                        files.stage(json, toJson(e));
                    }
                    if (html != null) {
                        files.stage(html, LlcHtmlReport.render(e, source()));
                    }
                    files.commit();
                }
                return null;
            });
        }
        out.print(table(e));
        out.flush();
        return ExitCodes.OK;
    }

    /** The sweep: one line of progress per setting, the table and the recommendation, optionally JSON. */
    private int calibrate(LlcSettings settings, Model network, LlcData labelled, PrintWriter out, PrintWriter err)
            throws Exception {
        Calibration calibration;
        try {
            calibration = new Calibration(settings,
                    calibrateSteps == null ? Calibration.DEFAULT_STEPS : calibrateSteps,
                    calibrateLocalizations == null ? Calibration.DEFAULT_LOCALIZATIONS : calibrateLocalizations,
                    calibrateDraws == null ? Calibration.DEFAULT_DRAWS : calibrateDraws);
        } catch (IllegalArgumentException ex) {
            throw new BadInputException(ex.getMessage(), ex);
        }
        long start = System.nanoTime();
        Calibration.Result result = calibration.run(network, labelled, (index, total, eps, gamma) -> {
            if (!quiet) {
                err.printf(Locale.ROOT, "setting %d/%d: eps=%.0e gamma=%g (%s elapsed)%n", index, total, eps, gamma,
                        Progress.seconds(start));
                err.flush();
            }
        });
        if (json != null || html != null) {
            try (OutputFiles files = new OutputFiles()) {
                if (json != null) {
                    files.stage(json, calibrationJson(result));
                }
                if (html != null) {
                    files.stage(html, LlcHtmlReport.render(result, source()));
                }
                files.commit();
            }
        }
        out.print(calibrationTable(result));
        out.flush();
        return ExitCodes.OK;
    }

    static String calibrationTable(Calibration.Result result) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %-8s %12s %10s  %s%n", "eps", "gamma", "lambda-hat", "chain sd", "health"));
        for (Calibration.Point p : result.points()) {
            sb.append(String.format(Locale.ROOT, "%-8.0e %-8g %12.4f %10.4f  %s%n", p.stepSize(), p.localization(),
                    p.estimate().mean(), p.estimate().standardDeviation(), p.health().verdict()));
        }
        if (result.recommended().isPresent()) {
            Calibration.Point r = result.recommended().get();
            sb.append(String.format(Locale.ROOT, "recommended: --step-size %s --localization %s%s%n",
                    plain(r.stepSize()), plain(r.localization()),
                    result.onPlateau() ? "" : " (not on a plateau: confirm with more draws)"));
        } else {
            sb.append("no setting recommended\n");
        }
        sb.append(result.reason()).append('\n');
        result.extrapolated().ifPresent(a -> sb.append(String.format(Locale.ROOT,
                "lambda-hat extrapolated to eps -> 0 (first-order step bias removed, healthy steps from the recommended"
                        + " one up): %.4f%n", a)));
        double weakest = result.points().stream().mapToDouble(Calibration.Point::localization).min().orElse(Double.NaN);
        if (result.recommended().isPresent() && result.recommended().get().localization() > weakest) {
            // A strong pull caps the spread along flat directions, where a singular lambda comes from.
            sb.append(String.format(Locale.ROOT, "note: no setting at gamma=%s is healthy; a stronger pull biases lambda-hat"
                    + " low on singular models: rerun with more --calibrate-draws before trusting it%n", plain(weakest)));
        }
        return sb.toString();
    }

    /** A value as a user would type it: 0.0003, not 3.0E-4. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String calibrationJson(Calibration.Result result) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", "dead-directions-llc-calibration/v1");
        ArrayNode points = root.putArray("points");
        for (Calibration.Point p : result.points()) {
            ObjectNode n = points.addObject();
            n.put("stepSize", p.stepSize());
            n.put("localization", p.localization());
            n.put("draws", p.settings().draws());
            n.put("learningCoefficient", p.estimate().mean());
            n.put("standardDeviation", p.estimate().standardDeviation());
            n.put("rHat", p.health().rHat());
            n.put("healthy", p.health().healthy());
            n.put("health", p.health().verdict());
        }
        if (result.recommended().isPresent()) {
            ObjectNode r = root.putObject("recommended");
            r.put("stepSize", result.recommended().get().stepSize());
            r.put("localization", result.recommended().get().localization());
            r.put("onPlateau", result.onPlateau());
        } else {
            root.putNull("recommended");
        }
        root.put("reason", result.reason());
        if (result.extrapolated().isPresent()) {
            root.put("extrapolatedLearningCoefficient", result.extrapolated().getAsDouble());
        } else {
            root.putNull("extrapolatedLearningCoefficient");
        }
        return mapper.writeValueAsString(root);
    }

    private String source() {
        return "model " + model.getFileName() + ", data " + data.getFileName();
    }

    private String outputs() {
        return json != null && html != null ? json + " and " + html : String.valueOf(json != null ? json : html);
    }

    private LlcSettings settings() {
        LlcSettings.Builder b = profile.settings().toBuilder();
        if (stepSize != null) {
            b.stepSize(stepSize);
        }
        if (localization != null) {
            b.localization(localization);
        }
        if (nBeta != null) {
            b.nBeta(nBeta);
        }
        if (chains != null) {
            b.chains(chains);
        }
        if (draws != null) {
            b.draws(draws);
        }
        if (burnIn != null) {
            b.burnIn(burnIn);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (fullLossEvery != null) {
            b.fullLossEvery(fullLossEvery);
        }
        if (variance != null) {
            b.gaussianVariance(variance);
        }
        if (seed != null) {
            b.seed(seed);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException ex) {
            throw new BadInputException(ex.getMessage(), ex);
        }
    }

    static String table(LlcEstimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "SGLD local learning coefficient: %d parameters, n = %d samples, n*beta = %.4g%n",
                e.parameters(), e.samples(), e.nBeta()));
        sb.append(String.format(Locale.ROOT, "lambda-hat = %.4f +- %.4f (standard error), chain sd %.4f%n", e.mean(),
                e.standardError(), e.standardDeviation()));
        StringBuilder chains = new StringBuilder();
        for (double v : e.perChain()) {
            chains.append(chains.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v));
        }
        sb.append("per chain: ").append(chains).append('\n');
        if (e.diverged()) {
            sb.append(e.divergedChains()).append(" chain(s) diverged: lower --step-size\n");
        }
        if (e.implausible()) {
            sb.append("WARNING: lambda-hat is above d/2: the chains did not sample the local posterior (lower --step-size)\n");
        }
        if (!e.stripped().isEmpty()) {
            sb.append("left out of the likelihood: ").append(String.join(", ", e.stripped())).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "cost: %d forward + %d backward passes, %.1f ms%n", e.cost().forwardPasses(),
                e.cost().backwardPasses(), e.cost().millis()));
        return sb.toString();
    }

    static String toJson(LlcEstimate e) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", "dead-directions-llc/v1");
        root.put("parameters", e.parameters());
        root.put("samples", e.samples());
        root.put("learningCoefficient", e.mean());
        root.put("standardDeviation", e.standardDeviation());
        root.put("standardError", e.standardError());
        ArrayNode chains = root.putArray("perChain");
        for (double v : e.perChain()) {
            chains.add(v);
        }
        root.put("nBeta", e.nBeta());
        root.put("anchorLoss", e.anchorLoss());
        root.put("divergedChains", e.divergedChains());
        root.put("implausible", e.implausible());
        ArrayNode stripped = root.putArray("stripped");
        e.stripped().forEach(stripped::add);
        LlcSettings s = e.settings();
        ObjectNode settings = root.putObject("settings");
        settings.put("stepSize", s.stepSize());
        settings.put("localization", s.localization());
        settings.put("chains", s.chains());
        settings.put("draws", s.draws());
        settings.put("burnIn", s.burnIn());
        settings.put("batchSize", s.batchSize());
        settings.put("fullLossEvery", s.fullLossEvery());
        settings.put("gaussianVariance", s.gaussianVariance());
        settings.put("seed", s.seed());
        ObjectNode cost = root.putObject("cost");
        cost.put("forwardPasses", e.cost().forwardPasses());
        cost.put("backwardPasses", e.cost().backwardPasses());
        cost.put("millis", e.cost().millis());
        ArrayNode trace = root.putArray("lossTrace");
        for (double[] chain : e.lossTrace()) {
            ArrayNode c = trace.addArray();
            for (double v : chain) {
                c.add(v);
            }
        }
        return mapper.writeValueAsString(root);
    }
}

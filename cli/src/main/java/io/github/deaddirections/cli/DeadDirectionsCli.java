package io.github.deaddirections.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code dead-directions} command: reads of saved DL4J models at the command line.
 * Subcommands: {@code read} (one model zip and a probe set) and {@code cells} (writes the
 * constructed acceptance cells with their predicted answers). Exit codes: see {@link ExitCodes}.
 */
@Command(name = "dead-directions", mixinStandardHelpOptions = true, versionProvider = DeadDirectionsCli.Version.class,
        subcommands = {ReadCommand.class, CellsCommand.class, LlcCommand.class, CommandLine.HelpCommand.class},
        description = "Where a Deeplearning4j network is singular: dead parameter directions, their order and class,"
                + " and Watanabe's learning coefficient (lambda, m, nu).",
        footer = {"", "Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure."})
public final class DeadDirectionsCli implements Callable<Integer> {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log the read's details and print stack traces of failures.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether a person watches standard error (a spinner then) or a log or pipe does (plain lines). */
    private final boolean terminal;

    private DeadDirectionsCli(boolean terminal) {
        this.terminal = terminal;
    }

    /** Without a subcommand there is nothing to do: say how to use it. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    public static void main(String[] args) {
        int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.console() != null)
                .execute(args);
        System.exit(code);
    }

    /**
     * Runs the tool as {@code main} would, without exiting: the exit code is returned. Progress
     * is written as plain lines, as it is when standard error is not a terminal.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, false).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine cmd = new CommandLine(new DeadDirectionsCli(terminal));
        ExitCodes exitCodes = new ExitCodes();
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler(exitCodes);
        cmd.setExecutionExceptionHandler(exitCodes);
        cmd.setExecutionStrategy(parseResult -> {
            logging(verbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cmd;
    }

    /** How the subcommands show progress on {@code err}. */
    Progress progress(PrintWriter err, boolean quiet) {
        return Progress.choose(err, quiet, terminal);
    }

    /** True when --verbose was given at any level (before or after the subcommand name). */
    static boolean verbose(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Quiet libraries by default (logback.xml); the read's own debug lines with --verbose. */
    private static void logging(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            Logger ours = context.getLogger("io.github.deaddirections");
            ours.setLevel(verbose ? Level.DEBUG : Level.INFO);
        }
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DeadDirectionsCli.class.getPackage().getImplementationVersion();
            return new String[]{"dead-directions " + (v == null ? "(development build)" : v)};
        }
    }
}

package io.github.deaddirections.cli;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * What the process exit code means, and how a failure becomes one: 0 success, 2 bad usage or
 * bad input (one line saying what is wrong), 1 an internal failure (a bug or an environment
 * problem; the stack trace with {@code --verbose}).
 */
public final class ExitCodes implements IExecutionExceptionHandler, IParameterExceptionHandler {

    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int BAD_INPUT = 2;

    /** Usage errors: the reason on the first line, then where to look for help. */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean verbose = DeadDirectionsCli.verbose(parseResult);
        int code;
        if (isBadInput(ex)) {
            err.println("error: " + oneLine(ex.getMessage()));
            code = BAD_INPUT;
        } else {
            err.println("error: internal failure: " + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage()))
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            code = INTERNAL;
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** Input the user can fix: our own checks, the engine's input checks and bad settings. */
    static boolean isBadInput(Throwable ex) {
        return ex instanceof BadInputException || ex instanceof ReadInputException || ex instanceof ConfigException;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}

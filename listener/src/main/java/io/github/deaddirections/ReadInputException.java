package io.github.deaddirections;

/**
 * The input of a read is not something the read can work on: NaN parameters, an empty or
 * mismatched probe set, an unsupported loss or layer, a model too large for a detector.
 * The message says what is wrong in the user's terms; nothing was written.
 */
public class ReadInputException extends IllegalArgumentException {

    public ReadInputException(String message) {
        super(message);
    }

    public ReadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

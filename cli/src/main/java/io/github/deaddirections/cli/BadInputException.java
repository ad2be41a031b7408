package io.github.deaddirections.cli;

/**
 * Something the user gave the tool cannot be used: a missing or corrupt file, a malformed probe,
 * a bad setting. The message is one line in the user's terms; the tool exits with code 2.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

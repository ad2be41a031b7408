package io.github.deaddirections.detect;

/**
 * A straight direction to read: a unit vector in R^P and its role in its structure
 * ("diagonal", "outgoing", "incoming", ...).
 */
public record ReadDirection(String role, Direction direction) {
}

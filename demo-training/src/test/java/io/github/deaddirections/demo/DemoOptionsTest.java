package io.github.deaddirections.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoOptionsTest {

    @Test
    void flagsOverrideTheDefaults() {
        DemoOptions o = DemoOptions.parse("--epochs", "30", "--port", "9999", "--read-every", "2", "--non-interactive",
                "--max-seconds", "12.5", "--model", "m1");
        assertEquals(new DemoOptions(30, 9999, 2, 128, true, 12.5, "m1", 42, null, false), o);
        assertEquals(DemoOptions.defaults(), DemoOptions.parse());
    }

    @Test
    void badFlagsAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--epochs", "0"))
                .getMessage().contains("--epochs must be at least 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--port", "x"))
                .getMessage().contains("--port needs a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--speed", "1"))
                .getMessage().startsWith("unknown option --speed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--epochs"))
                .getMessage().startsWith("--epochs needs a value"));
    }
}

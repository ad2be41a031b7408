package io.github.deaddirections.monitor;

import io.github.deaddirections.config.ConfigException;
import io.github.deaddirections.config.ListenerConfig;
import io.github.deaddirections.config.ListenerConfigYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ListenerConfigYamlTest {

    /** The shipped defaults file, from the listener module's directory. */
    private static final Path DEFAULTS_FILE = Path.of("..", "config", "dead-directions.yaml");

    @Test
    void theShippedFileHoldsExactlyTheDefaults() {
        assertEquals(ListenerConfig.defaults(), ListenerConfigYaml.load(DEFAULTS_FILE));
    }

    @Test
    void theShippedFileListsEverySetting() throws Exception {
        Set<String> inFile = new LinkedHashSet<>();
        List<String> section = new java.util.ArrayList<>();
        Pattern key = Pattern.compile("^( *)([A-Za-z0-9]+):");
        for (String line : Files.readAllLines(DEFAULTS_FILE)) {
            Matcher m = key.matcher(line);
            if (!m.find()) {
                continue;
            }
            int depth = m.group(1).length() / 2;
            while (section.size() > depth) {
                section.remove(section.size() - 1);
            }
            String dotted = String.join("", section.stream().map(s -> s + ".").toList()) + m.group(2);
            if (line.trim().endsWith(":")) {
                section.add(m.group(2));
            } else {
                inFile.add(dotted);
            }
        }
        assertEquals(ListenerConfigYaml.keys(), inFile);
    }

    @Test
    void valuesOverrideTheDefaults() {
        ListenerConfig c = ListenerConfigYaml.parse("""
                model: mnist
                schedule: {mode: epoch-list, epochs: [1, 10]}
                whenBusy: queue-one
                shutdownTimeoutSeconds: 2.5
                read: {radiusPoints: 20, radiusLow: 1e-4}
                """);
        assertEquals("mnist", c.model());
        assertEquals(ReadSchedule.atEpochs(List.of(1, 10)), c.schedule());
        assertEquals(BusyPolicy.QUEUE_ONE, c.whenBusy());
        assertEquals(Duration.ofMillis(2500), c.shutdownTimeout());
        assertEquals(20, c.read().radiusPoints());
        assertEquals(1e-4, c.read().radiusLow());
        assertNull(c.reportDirectory());
    }

    @Test
    void aBadEnumValueNamesTheKeyAndTheAllowedValues() {
        ConfigException e = assertThrows(ConfigException.class, () -> ListenerConfigYaml.parse("schedule: {mode: weekly}"));
        assertEquals("setting 'schedule.mode': 'weekly' is not one of [epochs, epoch-list, iterations]", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ListenerConfigYaml.parse("whenBusy: wait"));
        assertEquals("setting 'whenBusy': 'wait' is not one of [skip, queue-one, synchronous]", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ListenerConfigYaml.parse("read: {gaussianFallback: maybe}"));
        assertEquals("setting 'read.gaussianFallback': 'maybe' is not one of [true, false]", e.getMessage());
    }

    @Test
    void anUnknownKeyNamesTheKeyAndTheKeysAllowedThere() {
        ConfigException e = assertThrows(ConfigException.class, () -> ListenerConfigYaml.parse("schedule: {evry: 3}"));
        assertEquals("setting 'schedule.evry': is not a setting; allowed in 'schedule' are [mode, every, epochs]",
                e.getMessage());
    }

    @Test
    void outOfRangeAndMistypedValuesNameTheirKey() {
        assertEquals("read.radiusLow", assertThrows(ConfigException.class,
                () -> ListenerConfigYaml.parse("read: {radiusLow: 2.0}")).key());
        assertEquals("schedule.every", assertThrows(ConfigException.class,
                () -> ListenerConfigYaml.parse("schedule: {every: 0}")).key());
        assertEquals("probe.examples", assertThrows(ConfigException.class,
                () -> ListenerConfigYaml.parse("probe: {examples: many}")).key());
        assertEquals("schedule.epochs", assertThrows(ConfigException.class,
                () -> ListenerConfigYaml.parse("schedule: {mode: epoch-list}")).key());
    }
}

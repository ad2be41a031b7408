package io.github.deaddirections.cli;

import io.github.deaddirections.config.ReadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {

    private static final Path SHIPPED = Path.of("").toAbsolutePath().getParent().resolve("config/dead-directions.yaml");

    @TempDir
    Path dir;

    @Test
    void theShippedListenerFileGivesItsReadSectionAndNamesWhatItIgnores() {
        ConfigFile.Loaded loaded = ConfigFile.loadWithNotes(SHIPPED);
        assertEquals(ReadConfig.defaults().radiusPoints(), loaded.config().radiusPoints());
        // resolution: the listener's n and sigma^2; a read takes --sample-size and --noise-variance instead.
        assertEquals(List.of("model", "schedule", "probe", "whenBusy", "shutdownTimeoutSeconds", "reportDirectory", "metrics",
                "resolution"), loaded.ignoredListenerSettings());
        assertTrue(loaded.note(SHIPPED).contains("uses its 'read' section and ignores model, schedule"), loaded.note(SHIPPED));
    }

    @Test
    void aReadSectionAloneIsTakenWithoutANote() throws Exception {
        Path f = Files.writeString(dir.resolve("r.yaml"), "read:\n  radiusPoints: 24\n");
        ConfigFile.Loaded loaded = ConfigFile.loadWithNotes(f);
        assertEquals(24, loaded.config().radiusPoints());
        assertNull(loaded.note(f));
    }

    @Test
    void aFlatFileStillWorksAndAnUnknownKeyNamesBothFormats() throws Exception {
        assertEquals(20, ConfigFile.load(Files.writeString(dir.resolve("f.yaml"), "radiusPoints: 20\n")).radiusPoints());
        BadInputException e = assertThrows(BadInputException.class,
                () -> ConfigFile.load(Files.writeString(dir.resolve("g.yaml"), "radiusPionts: 20\n")));
        assertTrue(e.getMessage().contains("unknown setting 'radiusPionts'"), e.getMessage());
        assertTrue(e.getMessage().contains("config/dead-directions.yaml"), e.getMessage());
    }

    @Test
    void aBadKeyInTheReadSectionIsNamedWithItsDottedPath() throws Exception {
        Path f = Files.writeString(dir.resolve("h.yaml"), "model: m\nread:\n  radiusPionts: 20\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ConfigFile.load(f));
        assertTrue(e.getMessage().contains("read.radiusPionts"), e.getMessage());
    }
}

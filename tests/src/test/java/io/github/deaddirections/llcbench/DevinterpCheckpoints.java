package io.github.deaddirections.llcbench;

import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes devinterp's trained reduced-rank checkpoints (seed 1 of each case) as files the CLI
 * reads: {@code tests/target/devinterp/rrr-M-H-N.zip} (the trained network) and
 * {@code rrr-M-H-N.train.bin} (its 1000 training samples, features and labels), so that
 * {@code dead-directions read} and {@code dead-directions llc} can be tried on trained networks
 * whose learning coefficient theory knows. Not part of the default run:
 * <pre>
 * mvn -B -pl tests -am test -Dtest=DevinterpCheckpoints -Dsurefire.failIfNoSpecifiedTests=false -DexcludedTags=none
 * </pre>
 */
@Tag("benchmark")
class DevinterpCheckpoints {

    @Test
    void write() throws Exception {
        Path dir = Path.of(System.getProperty("devinterp.out", "target/devinterp"));
        Files.createDirectories(dir);
        for (DevinterpCase c : DevinterpCase.ALL) {
            DevinterpCase.Trained t = c.train(1);
            String name = "rrr-" + c.inputs() + "-" + c.hidden() + "-" + c.outputs();
            File model = dir.resolve(name + ".zip").toFile();
            ModelSerializer.writeModel(t.network(), model, false);
            new DataSet(t.data().features(), t.data().labels()).save(dir.resolve(name + ".train.bin").toFile());
            System.out.printf("%s: true lambda %.1f (Aoyagi-Watanabe, rank 0) -> %s%n", name, c.theory(), model);
            assertTrue(model.length() > 0);
        }
    }
}

package io.github.deaddirections.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeLoaderTest {

    @TempDir
    Path dir;

    @Test
    void textLabelColumnsAreDroppedWithTheOtherLabels() throws Exception {
        // The first row is data, not a header: its features are numbers, only its label is text.
        Path f = Files.writeString(dir.resolve("p.csv"), "0.5,1.5,cat\n2.5,3.5,dog\n");
        INDArray x = ProbeLoader.load(f, 1, null);
        assertArrayEquals(new long[]{2, 2}, x.shape());
        assertEquals(0.5, x.getDouble(0, 0));
        assertEquals(3.5, x.getDouble(1, 1));
    }

    @Test
    void textLabelsOfAnLlcEstimateAreRefusedWithTheirEncoding() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "x,y,label\n0.5,1.5,cat\n2.5,3.5,dog\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ProbeLoader.csvWithLabels(f, 1, null));
        assertTrue(e.getMessage().contains("line 2 column 3: label 'cat' is text"), e.getMessage());
        assertTrue(e.getMessage().contains("one-hot"), e.getMessage());
        INDArray numeric = ProbeLoader.csvWithLabels(Files.writeString(dir.resolve("q.csv"), "0.5,1.5,1\n"), 1, null);
        assertArrayEquals(new long[]{1, 3}, numeric.shape());
    }

    @Test
    void csvWithoutHeader() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "1,2,3\n4,5,6\n");
        INDArray x = ProbeLoader.load(f, 0, null);
        assertArrayEquals(new long[]{2, 3}, x.shape());
        assertEquals(6.0, x.getDouble(1, 2));
    }

    @Test
    void headerIsDetectedAndLabelColumnsDropped() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "a, b ,label\n\n1, 2, 0\n3,4,1\n");
        INDArray x = ProbeLoader.load(f, 1, null);
        assertArrayEquals(new long[]{2, 2}, x.shape());
        assertEquals(1.0, x.getDouble(0, 0));
        assertEquals(4.0, x.getDouble(1, 1));
    }

    @Test
    void maxSamplesKeepsTheFirstRows() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "1,1\n2,2\n3,3\n");
        INDArray x = ProbeLoader.load(f, 0, 2);
        assertArrayEquals(new long[]{2, 2}, x.shape());
        assertEquals(2.0, x.getDouble(1, 0));
    }

    @Test
    void labelColumnsMayNotTakeEverything() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "1,1\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ProbeLoader.load(f, 2, null));
        assertTrue(e.getMessage().contains("--label-columns 2 leaves no features"), e.getMessage());
    }

    @Test
    void headerOnlyHasNoSamples() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "a,b\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ProbeLoader.load(f, 0, null));
        assertTrue(e.getMessage().endsWith("has no samples"), e.getMessage());
    }
}

package io.github.deaddirections.llcbench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reference values devinterp's test lists for its five cases, and the regular limit. */
class AoyagiWatanabeLambdaTest {

    @Test
    void matchesDevinterpsListedValues() {
        assertEquals(6.5, AoyagiWatanabeLambda.of(5, 3, 5, 0));
        assertEquals(8.0, AoyagiWatanabeLambda.of(5, 4, 5, 0));
        assertEquals(6.0, AoyagiWatanabeLambda.of(4, 3, 8, 0));
        assertEquals(6.0, AoyagiWatanabeLambda.of(8, 3, 4, 0));
        assertEquals(6.0, AoyagiWatanabeLambda.of(3, 8, 4, 0));
    }

    @Test
    void fullRankTruthIsRegular() {
        // At r = H <= min(M, N) the model is regular: lambda = (dimension of rank-H maps) / 2 = H(M + N - H) / 2.
        assertEquals(3 * (5 + 5 - 3) / 2.0, AoyagiWatanabeLambda.of(5, 3, 5, 3));
    }
}

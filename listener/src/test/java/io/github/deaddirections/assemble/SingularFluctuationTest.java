package io.github.deaddirections.assemble;

import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** nu(k) against METHOD 6's independently computed reference values and the frozen closed form. */
class SingularFluctuationTest {

    @ParameterizedTest
    @CsvSource({"1, 0.5", "2, 0.17297", "3, 0.27837", "4, 0.13786", "5, 0.20614", "6, 0.11666"})
    void matchesReferenceValues(int k, double reference) {
        assertEquals(reference, SingularFluctuation.of(k), 1e-4);
    }

    @Test
    void orderOneIsExactlyOneHalf() {
        // pi_Z is Gaussian with variance 1/2 for every Z.
        assertEquals(0.5, SingularFluctuation.of(1), 1e-10);
        assertEquals(0.5, SingularFluctuation.variance(1, 1.7), 1e-10);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void frozenValueIsTheClosedForm(int k) {
        // At Z = 0: lambda for odd k, lambda - (Gamma(lambda + 1/2) / Gamma(lambda))^2 for even k.
        double lambda = 1.0 / (2 * k);
        double ratio = Math.exp(Gamma.logGamma(lambda + 0.5) - Gamma.logGamma(lambda));
        double expected = k % 2 == 1 ? lambda : lambda - ratio * ratio;
        assertEquals(expected, SingularFluctuation.variance(k, 0.0), 1e-9);
    }
}

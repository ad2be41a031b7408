package io.github.deaddirections.assemble;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Aoyagi-Watanabe's closed form and the laws built on it (METHOD 5). */
class ReducedRankTest {

    @Test
    void theCellValue() {
        // M = N = 3, H = 2, r = 1: lambda = 7/2, m = 2 (odd parity), CELLS.md.
        assertEquals(3.5, ReducedRank.learningCoefficient(3, 3, 2, 1), 1e-12);
        assertEquals(2, ReducedRank.multiplicity(3, 3, 2, 1));
        BlockLaw excess = new BlockLaw.ReducedRankExcess(3, 3, 2, 1);
        assertEquals(1.0, excess.learningCoefficient(), 1e-12);
        assertEquals(2, excess.multiplicity());
    }

    @Test
    void fullRankIsRegular() {
        // H = r = min(M, N): the product map is a submersion, lambda = (number of free entries of a rank-r matrix)/2.
        for (int m = 1; m <= 5; m++) {
            for (int n = 1; n <= 5; n++) {
                int r = Math.min(m, n);
                assertEquals(r * (m + n - r) / 2.0, ReducedRank.learningCoefficient(m, n, r, r), 1e-12, m + "," + n);
            }
        }
    }

    @Test
    void rankPartPlusExcessBlock() {
        // lambda(M, N, H, r) = r(M+N-r)/2 + lambda(M-r, N-r, H-r, 0) whenever M, N, H > r.
        for (int m = 2; m <= 6; m++) {
            for (int n = 2; n <= 6; n++) {
                for (int h = 2; h <= 6; h++) {
                    for (int r = 1; r < Math.min(h, Math.min(m, n)); r++) {
                        double lhs = ReducedRank.learningCoefficient(m, n, h, r);
                        double rhs = r * (m + n - r) / 2.0 + ReducedRank.learningCoefficient(m - r, n - r, h - r, 0);
                        assertEquals(rhs, lhs, 1e-12, "M=" + m + " N=" + n + " H=" + h + " r=" + r);
                        assertEquals(ReducedRank.multiplicity(m - r, n - r, h - r, 0), ReducedRank.multiplicity(m, n, h, r));
                    }
                }
            }
        }
    }

    @Test
    void crossingAndNodeDeathLaws() {
        // Node death with n_out = 1, d_in + 1 = 4, p = 1: min(1/2, 4/2) = 1/2, m = 1, diagonal order 2.
        BlockLaw tanh = BlockLaw.nodeDeath(1, 4, 1);
        assertEquals(0.5, tanh.learningCoefficient(), 1e-12);
        assertEquals(1, tanh.multiplicity());
        assertEquals(2, tanh.order());
        // Cube activation, p = 3: min(n_out/2, (d_in+1)/6); tied at n_out = 2, d_in + 1 = 6: m = 2.
        BlockLaw cube = BlockLaw.nodeDeath(2, 6, 3);
        assertEquals(1.0, cube.learningCoefficient(), 1e-12);
        assertEquals(2, cube.multiplicity());
        assertEquals(4, cube.order());
        // Into a consumer whose bias absorbs phi(b): min(n_out/2, d_in/2, (d_in+1)/(2p)).
        BlockLaw absorbed = BlockLaw.nodeDeathAbsorbed(3, 3, 1);   // min(3/2, 2/2) = 1, the bias is no coordinate
        assertEquals(1.0, absorbed.learningCoefficient(), 1e-12);
        assertEquals(1, absorbed.multiplicity());
        assertEquals(2, absorbed.order());
        assertEquals(2, BlockLaw.nodeDeathAbsorbed(2, 3, 1).multiplicity());   // n_out = d_in = 2: tied
        BlockLaw cubeAbsorbed = BlockLaw.nodeDeathAbsorbed(2, 6, 3);          // min(1, 5/2, 6/6) = 1, tied
        assertEquals(1.0, cubeAbsorbed.learningCoefficient(), 1e-12);
        assertEquals(2, cubeAbsorbed.multiplicity());
        assertEquals(4, cubeAbsorbed.order());
        // p = 2, d_in = 1: the polyhedron's vertex (2, 2) lies on two facets, m = 2.
        BlockLaw vertex = BlockLaw.nodeDeathAbsorbed(5, 2, 2);
        assertEquals(0.5, vertex.learningCoefficient(), 1e-12);
        assertEquals(2, vertex.multiplicity());
        // Width-one chain of 3: lambda = 1/2, m = 3.
        BlockLaw chain = new BlockLaw.Chain(3);
        assertEquals(0.5, chain.learningCoefficient(), 1e-12);
        assertEquals(3, chain.multiplicity());
        // Additive direction of order 3 with one quadratic partner: 1/6 + 1/2.
        assertEquals(1.0 / 6 + 0.5, new BlockLaw.SingleDirection(3, 1, true).learningCoefficient(), 1e-12);
        // Assembly: rank/2 + sum lambda_B, m = 1 + sum (m_B - 1).
        Assembly a = Assembly.of(5, java.util.List.of(new BlockLaw.ReducedRankExcess(3, 3, 2, 1)), true);
        assertEquals(3.5, a.learningCoefficient(), 1e-12);
        assertEquals(2, a.multiplicity());
    }
}

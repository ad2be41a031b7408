package io.github.deaddirections.acceptance;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An independent check of the "rank" column for the one-hidden-layer cells: the Jacobian of
 * {@code f(x) = sum_j a_j phi(w_j . x + b_j) + c} written out by hand (no DL4J forward pass, no
 * stencil), its rank by commons-math's SVD. Agreement with CELLS.md here means the cells are
 * built as the table says; the read's own rank is tested in {@link CellAcceptanceTest}.
 */
class IndependentRankTest {

    @ParameterizedTest
    @CsvSource({"tanh-node-death, 16", "relu-rescaling, 17", "duplicate-unit, 16"})
    void closedFormJacobianHasThePredictedRank(String name, int rank) {
        for (long seed = 1; seed <= 3; seed++) {
            Cell cell = ConstructedCells.byName(name, seed);
            assertEquals(rank, jacobianRank(cell.network(), cell.probe(), name.startsWith("relu")), name + " seed " + seed);
        }
    }

    private static int jacobianRank(MultiLayerNetwork net, INDArray probe, boolean relu) {
        double[][] w = net.getLayer(0).getParam("W").toDoubleMatrix();
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        double[] a = net.getLayer(1).getParam("W").toDoubleVector();
        double[][] x = probe.toDoubleMatrix();
        int d = w.length;
        int h = w[0].length;
        int p = d * h + h + h + 1;
        double[][] j = new double[x.length][p];
        for (int s = 0; s < x.length; s++) {
            for (int u = 0; u < h; u++) {
                double z = b[u];
                for (int i = 0; i < d; i++) {
                    z += x[s][i] * w[i][u];
                }
                double phi = relu ? Math.max(z, 0) : Math.tanh(z);
                double dphi = relu ? (z > 0 ? 1 : 0) : 1 - Math.tanh(z) * Math.tanh(z);
                for (int i = 0; i < d; i++) {
                    j[s][i * h + u] = a[u] * dphi * x[s][i];
                }
                j[s][d * h + u] = a[u] * dphi;
                j[s][d * h + h + u] = phi;
            }
            j[s][p - 1] = 1.0;
        }
        double[] sv = new SingularValueDecomposition(new Array2DRowRealMatrix(j, false)).getSingularValues();
        int r = 0;
        for (double v : sv) {
            if (v > 1e-9 * sv[0]) {
                r++;
            }
        }
        return r;
    }
}

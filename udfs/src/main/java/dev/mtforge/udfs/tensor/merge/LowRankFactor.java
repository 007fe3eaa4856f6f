package dev.mtforge.udfs.tensor.merge;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Truncated SVD of a merged update: {@code ΔW ≈ B·A} with {@code B = U_r·S_r} [out, r] and
 * {@code A = V_rᵀ} [r, in], as PEFT's {@code _svd} combinations factor it. EJML's dense SVD in
 * double precision (the float result is rounded once at the end).
 */
public final class LowRankFactor {
  private LowRankFactor() {}

  /** The factors of a rank-r approximation. */
  public record Factors(float[] a, float[] b, int rank) {}

  /** Factors a row-major [rows, cols] matrix to rank r (zero-padded when r exceeds its rank). */
  public static Factors factor(float[] delta, int rows, int cols, int rank) {
    DMatrixRMaj matrix = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < delta.length; i++) {
      matrix.data[i] = delta[i];
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
    if (!svd.decompose(matrix)) {
      throw new IllegalStateException("SVD did not converge for a [" + rows + ", " + cols + "] update");
    }
    DMatrixRMaj u = svd.getU(null, false);
    DMatrixRMaj w = svd.getW(null);
    DMatrixRMaj vt = svd.getV(null, true);
    SingularOps_DDRM.descendingOrder(u, false, w, vt, true);
    int k = Math.min(rank, Math.min(w.numRows, w.numCols));
    float[] b = new float[rows * rank];
    float[] a = new float[rank * cols];
    for (int j = 0; j < k; j++) {
      double s = w.get(j, j);
      for (int i = 0; i < rows; i++) {
        b[i * rank + j] = (float) (u.get(i, j) * s);
      }
      for (int c = 0; c < cols; c++) {
        a[j * cols + c] = (float) vt.get(j, c);
      }
    }
    return new Factors(a, b, rank);
  }

  /** {@code scale · B · A} for B [rows, r] and A [r, cols], row-major, accumulated in double. */
  public static float[] product(float[] b, float[] a, int rows, int rank, int cols, double scale) {
    float[] out = new float[rows * cols];
    double[] row = new double[cols];
    for (int i = 0; i < rows; i++) {
      java.util.Arrays.fill(row, 0);
      for (int k = 0; k < rank; k++) {
        double bik = b[i * rank + k];
        if (bik == 0) {
          continue;
        }
        int base = k * cols;
        for (int c = 0; c < cols; c++) {
          row[c] += bik * a[base + c];
        }
      }
      for (int c = 0; c < cols; c++) {
        out[i * cols + c] = (float) (row[c] * scale);
      }
    }
    return out;
  }
}

//! The arithmetic of the encoder on plain row-major `f32` buffers: matrix products through the
//! `gemm` crate (the kernel library candle's CPU backend calls), and fused single-pass kernels
//! for what candle runs as separate elementwise tensor passes (bias, GELU, residual, layer
//! norm). Every kernel is single-threaded: sentences are encoded in parallel batches, one per
//! core, which keeps each core busy without synchronising inside a product.

/// `out = bias (broadcast over rows) + a · b`, with `a` of `m x k`, `b` of `k x n`, `out` of
/// `m x n`, all row-major.
pub fn affine(a: &[f32], b: &[f32], bias: &[f32], out: &mut [f32], m: usize, k: usize) {
    let n = bias.len();
    debug_assert_eq!(a.len(), m * k);
    debug_assert_eq!(b.len(), k * n);
    debug_assert_eq!(out.len(), m * n);
    for row in out.chunks_exact_mut(n) {
        row.copy_from_slice(bias);
    }
    if m == 0 {
        return;
    }
    // SAFETY: the three buffers hold m x k, k x n and m x n row-major values (checked above in
    // debug builds; callers size them from the same m, k, n), and `out` does not alias.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            true,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `x = layer_norm(x + residual)` over each row of `width` values, in place.
pub fn add_layer_norm(x: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let width = gamma.len();
    for (row, res) in x.chunks_exact_mut(width).zip(residual.chunks_exact(width)) {
        row.iter_mut().zip(res).for_each(|(v, r)| *v += r);
        normalize(row, gamma, beta, eps);
    }
}

/// Layer norm of one row, in place: mean and variance over the row, then scale and shift.
pub fn normalize(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// GELU with the exact error function (BERT's `gelu`), in place.
pub fn gelu(x: &mut [f32]) {
    for v in x.iter_mut() {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// The error function in `f32`: a rational approximation on [-4, 4] (outside it erf is +-1 to
/// `f32` precision), the one Eigen and XLA use for `f32`; its error is a few units in the last
/// place, well below what the pinned reference embeddings allow, and unlike `libm`'s `erff` it
/// has no branches, so the GELU loop vectorises.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10_f32;
    p = p.mul_add(x2, 2.770_681_4e-8);
    p = p.mul_add(x2, -2.101_024e-6);
    p = p.mul_add(x2, -5.692_506_4e-5);
    p = p.mul_add(x2, -7.349_906_3e-4);
    p = p.mul_add(x2, -2.954_6e-3);
    p = p.mul_add(x2, -1.609_603_3e-2);
    p *= x;
    let mut q = -1.456_607_2e-5_f32;
    q = q.mul_add(x2, -2.133_740_5e-4);
    q = q.mul_add(x2, -1.682_827e-3);
    q = q.mul_add(x2, -7.373_329e-3);
    q = q.mul_add(x2, -1.426_474e-2);
    p / q
}

/// Softmax of one row, in place.
pub fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    let inv = 1.0 / sum;
    row.iter_mut().for_each(|v| *v *= inv);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf by its Taylor series in f64 (converges fast for |x| <= 4 with enough terms).
    fn erf_series(x: f64) -> f64 {
        if x.abs() > 4.5 {
            return x.signum();
        }
        let (mut sum, mut term, mut n) = (0.0, x, 0.0);
        while term.abs() > 1e-17 || n < 5.0 {
            sum += term / (2.0 * n + 1.0);
            n += 1.0;
            term *= -x * x / n;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_is_within_a_few_ulps_of_the_series() {
        let mut worst: f64 = 0.0;
        for i in -6000..=6000 {
            let x = i as f64 / 1000.0;
            worst = worst.max((f64::from(erf(x as f32)) - erf_series(x)).abs());
        }
        assert!(worst < 5e-7, "worst error {worst}");
    }

    #[test]
    fn affine_matches_a_plain_product() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.91).cos()).collect();
        let bias = [0.5, -1.0, 2.0];
        let mut out = vec![0.0; m * n];
        affine(&a, &b, &bias, &mut out, m, k);
        for i in 0..m {
            for j in 0..n {
                let want: f32 = bias[j] + (0..k).map(|t| a[i * k + t] * b[t * n + j]).sum::<f32>();
                assert!((out[i * n + j] - want).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn layer_norm_gives_zero_mean_unit_variance_before_scaling() {
        let mut x = vec![1.0, 2.0, 3.0, 6.0];
        add_layer_norm(&mut x, &[0.0; 4], &[1.0; 4], &[0.0; 4], 1e-12);
        let mean: f32 = x.iter().sum::<f32>() / 4.0;
        let var: f32 = x.iter().map(|v| v * v).sum::<f32>() / 4.0;
        assert!(mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5);
    }
}

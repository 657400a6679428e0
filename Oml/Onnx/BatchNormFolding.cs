namespace Oml.Onnx;

/// <summary>
/// Folds an inference-mode batch norm into the convolution before it (pure arithmetic on flat arrays, in double):
/// BN(conv(x)) = γ (W∗x + b − μ) / √(σ² + ε) + β = W′∗x + b′ with W′ = W · s and b′ = (b − μ) · s + β per output
/// channel, s = γ / √(σ² + ε).
/// </summary>
public static class BatchNormFolding
{
    /// <param name="weight">The convolution's weight [C_out, ...] flattened; its length is a multiple of <paramref name="gamma"/>'s.</param>
    /// <param name="bias">The convolution's bias [C_out], or null when it has none.</param>
    /// <returns>The folded weight (same layout) and bias [C_out].</returns>
    public static (float[] Weight, float[] Bias) Fold(
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, double epsilon)
    {
        var channels = gamma.Length;
        if (channels == 0 || weight.Length % channels != 0)
            throw new ArgumentException($"a weight of {weight.Length} values does not split into {channels} output channels");
        if (beta.Length != channels || runningMean.Length != channels || runningVar.Length != channels || (bias.Length != 0 && bias.Length != channels))
            throw new ArgumentException($"the batch norm's vectors and the bias must have {channels} values, one per output channel");
        var perChannel = weight.Length / channels;
        var folded = new float[weight.Length];
        var foldedBias = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var scale = gamma[c] / Math.Sqrt(runningVar[c] + epsilon);
            for (var i = c * perChannel; i < (c + 1) * perChannel; i++) folded[i] = (float)(weight[i] * scale);
            var b = bias.Length == 0 ? 0.0 : bias[c];
            foldedBias[c] = (float)((b - runningMean[c]) * scale + beta[c]);
        }
        return (folded, foldedBias);
    }
}

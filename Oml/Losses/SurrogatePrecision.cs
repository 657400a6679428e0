using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>SurrogatePrecision(k, temperature1, temperature2, reduction)</c> (<c>oml/losses/surrogate_precision.py</c>) over
/// <see cref="LossFunctions.SurrogatePrecision"/>: <c>1 − reduce(P)</c> with a smooth Precision@k over the batch
/// (k' = k + 1 because every sample retrieves itself). Memory is O(N³).
/// </summary>
public sealed class SurrogatePrecision : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "surrogate_precision";

    public SurrogatePrecision(int k, double temperature1 = 1.0, double temperature2 = 0.01, LossReduction reduction = LossReduction.Mean)
        : base(nameof(SurrogatePrecision))
    {
        LossFunctions.CheckSurrogatePrecisionArgs(k, temperature1, temperature2);
        K = k;
        Temperature1 = temperature1;
        Temperature2 = temperature2;
        Reduction = reduction;
    }

    public int K { get; }

    public double Temperature1 { get; }

    public double Temperature2 { get; }

    public LossReduction Reduction { get; }

    public override Tensor forward(Tensor features, Tensor labels) =>
        LossFunctions.SurrogatePrecision(features, labels, K, Temperature1, Temperature2, Reduction);
}

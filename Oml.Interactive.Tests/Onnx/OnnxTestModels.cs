using Oml.Models;
using Oml.Onnx;
using TorchSharp.Modules;

namespace Oml.Tests.Onnx;

/// <summary>Small extractors with weights that make an export check meaningful, and the comparison the tests repeat.</summary>
internal static class OnnxTestModels
{
    /// <summary>
    /// Every parameter and batch-norm statistic drawn from <paramref name="seed"/> alone (the constructors draw from the
    /// global generator, which tests running beside this one share): weights He-scaled by their fan-in, norm scales in
    /// [0.5, 1.5], biases and statistics away from a fresh network's 0 and 1, so that folding the batch norms is no
    /// no-op and every parameter shows in the features.
    /// </summary>
    public static T Randomised<T>(T extractor, int seed) where T : Extractor
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in extractor.named_parameters())
        {
            var value = name.EndsWith("cls_token", StringComparison.Ordinal) || name.EndsWith("pos_embed", StringComparison.Ordinal)
                ? randn(parameter.shape, generator: generator) * 0.5
                : parameter.dim() >= 2
                    ? randn(parameter.shape, generator: generator) * Math.Sqrt(2.0 * parameter.shape[0] / parameter.numel())
                    : name.EndsWith(".weight", StringComparison.Ordinal)
                        ? rand(parameter.shape, generator: generator) + 0.5
                        : randn(parameter.shape, generator: generator) * 0.1;
            parameter.copy_(value);
        }
        foreach (var (_, module) in extractor.named_modules())
        {
            if (module is not BatchNorm2d bn) continue;
            bn.running_mean!.copy_(randn(bn.running_mean.shape, generator: generator) * 0.2);
            bn.running_var!.copy_(rand(bn.running_var.shape, generator: generator) + 0.5);
        }
        extractor.eval();
        return extractor;
    }

    /// <summary>TorchSharp's features of a [N, 3, S, S] batch in eval mode.</summary>
    public static float[] TorchFeatures(Extractor extractor, Tensor images)
    {
        extractor.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return extractor.forward(images).contiguous().data<float>().ToArray();
    }

    /// <summary>A batch of <paramref name="count"/> random images of <paramref name="size"/> px, values like normalised pixels.</summary>
    public static Tensor RandomImages(int count, int size, int seed) => randn([count, 3, size, size], generator: new Generator((ulong)seed));

    /// <summary>max |ONNX Runtime − TorchSharp| on <paramref name="images"/> with the exported file.</summary>
    public static double Difference(string onnx, Extractor extractor, Tensor images)
    {
        using var runtime = new OnnxRuntimeExtractor(onnx, threads: 1);
        using var scope = NewDisposeScope();
        var ours = runtime.Extract(images).data<float>().ToArray();
        return FeatureDifference.MaxAbs(ours, TorchFeatures(extractor, images));
    }
}

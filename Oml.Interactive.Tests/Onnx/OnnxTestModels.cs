using Oml.Models;
using Oml.Onnx;
using TorchSharp.Modules;

namespace Oml.Tests.Onnx;

/// <summary>Small extractors with weights that make an export check meaningful, and the comparison the tests repeat.</summary>
internal static class OnnxTestModels
{
    /// <summary>
    /// Random batch-norm statistics and affine parameters (a fresh ResNet has mean 0, var 1, γ 1, β 0, which would make
    /// folding them into the convolutions a no-op) and random biases, so every parameter matters.
    /// </summary>
    public static T Randomised<T>(T extractor, int seed) where T : Extractor
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, module) in extractor.named_modules())
        {
            if (module is not BatchNorm2d bn) continue;
            bn.running_mean!.copy_(randn(bn.running_mean.shape, generator: generator) * 0.2);
            bn.running_var!.copy_(rand(bn.running_var.shape, generator: generator) + 0.5);
            bn.weight!.copy_(rand(bn.weight.shape, generator: generator) + 0.5);
            bn.bias!.copy_(randn(bn.bias.shape, generator: generator) * 0.1);
        }
        foreach (var (name, parameter) in extractor.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal) && !name.Contains("bn", StringComparison.Ordinal) && !name.Contains("downsample.1", StringComparison.Ordinal))
                parameter.copy_(randn(parameter.shape, generator: generator) * 0.1);
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

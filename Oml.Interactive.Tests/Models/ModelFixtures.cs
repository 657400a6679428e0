using System.Globalization;
using Oml.IO;
using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>The files written by Fixtures/models/make_model_fixtures.py, and the tiny specs they were made with.</summary>
internal static class ModelFixtures
{
    /// <summary>The tiny BasicBlock ResNet of the fixtures: widths 4, 8, 16, 32, one block per stage.</summary>
    public static readonly ResnetSpec TinyBasic = new(ResnetBlockKind.Basic, [1, 1, 1, 1], [4, 8, 16, 32], ClassCount: 10);

    /// <summary>The tiny Bottleneck ResNet of the fixtures: widths 4, 8, 8, 16, blocks 1, 2, 1, 1.</summary>
    public static readonly ResnetSpec TinyBottleneck = new(ResnetBlockKind.Bottleneck, [1, 2, 1, 1], [4, 8, 8, 16]);

    /// <summary>The tiny ViT of the fixtures: patch 8, dim 32, depth 2, heads 2, 32 px (a 4×4 grid).</summary>
    public static readonly ViTSpec TinyViT = new(8, 32, 2, 2, ImageSize: 32);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models");

    public static string File(string name) => Path.Combine(Directory, name);

    /// <summary>The [N, 3·H·W] input of a case as [N, 3, H, W].</summary>
    public static Tensor Input(string caseName, int height, int width)
    {
        var npy = NpyFile.ReadMatrix(File(caseName + "_input.npy"));
        Assert.Equal(3 * height * width, npy.Columns);
        return tensor(npy.Data).reshape(npy.Rows, 3, height, width);
    }

    public static Tensor Expected(string caseName)
    {
        var npy = NpyFile.ReadMatrix(File(caseName + "_expected.npy"));
        return tensor(npy.Data).reshape(npy.Rows, npy.Columns);
    }

    /// <summary>"key → shape" lines of a full-size arch's PyTorch state_dict, sorted by key.</summary>
    public static IReadOnlyList<string> Manifest(string arch) =>
        System.IO.File.ReadAllLines(File($"manifest_{arch}.txt")).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The same "key → shape" lines of one of our modules.</summary>
    public static IReadOnlyList<string> KeysAndShapes(TorchSharp.torch.nn.Module module) =>
        module.state_dict().Select(kv => kv.Key + "\t" + string.Join(",", kv.Value.shape.Select(d => d.ToString(CultureInfo.InvariantCulture))))
            .Order(StringComparer.Ordinal).ToArray();

    public static double MaxAbsDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>
    /// <paramref name="model"/>'s eval-mode features of a case's input have PyTorch's shape and are within
    /// <paramref name="tolerance"/> of its features; returns the max abs difference and the largest expected feature.
    /// </summary>
    public static (double Difference, double Largest) AssertMatchesPyTorch(Extractor model, string caseName, int height, int width, double tolerance)
    {
        model.eval();
        using var noGrad = no_grad();
        var features = model.Extract(Input(caseName, height, width));
        var expected = Expected(caseName);
        Assert.Equal(expected.shape, features.shape);
        var difference = MaxAbsDifference(features, expected);
        Assert.InRange(difference, 0, tolerance);
        return (difference, expected.abs().max().item<float>());
    }
}

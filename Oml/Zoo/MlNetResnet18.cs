using System.Globalization;
using Onnx;
using Oml.Weights;
using static TorchSharp.torch;

namespace Oml.Zoo;

/// <summary>
/// The one ImageNet-pretrained backbone that can be had offline: ML.NET's ResNet-18 in the NuGet package
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (MIT), a CNTK 2.6 ONNX export of a ResNet with BasicBlocks laid out
/// [2, 2, 2, 3] (arch <c>resnet18_mlnet</c>; not torchvision's resnet18) whose pooled 512-d features come without a
/// classifier. Its preprocessing (<c>ResNetPreprocess.onnx</c>) turns RGB into BGR on a 0-255 scale and subtracts a
/// per-pixel mean image; there is no /255 and no std. The first use converts the graph's weights once into a
/// safetensors file in <see cref="OmlCache"/> (atomic write) that later runs load directly.
/// </summary>
public static class MlNetResnet18
{
    public const string ZooKey = "resnet18_mlnet_imagenet";
    public const string Arch = "resnet18_mlnet";
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.24.0";

    /// <summary>The side of the images the graph and its mean image were made for.</summary>
    public const int ImageSize = 224;

    private const string ModelInPackage = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string ModelInApp = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string PreprocessInPackage = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string PreprocessInApp = "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    private static readonly Lock ConvertLock = new();
    private static float[]? meanImage;

    /// <summary>The command that puts the package on this machine.</summary>
    public static string FixCommand =>
        $"in this repository run 'dotnet restore' (Oml/Oml.csproj downloads it); elsewhere add it to a project " +
        $"('dotnet add package {PackageId} --version {PackageVersion}') or run #r \"nuget: {PackageId}, {PackageVersion}\" in a notebook";

    /// <summary>Why the package's files cannot be used here, or null when they are present.</summary>
    public static string? MissingReason() => MissingReason(NuGetPackageFiles.GlobalPackagesFolder);

    /// <summary><see cref="MissingReason()"/> with another global packages folder.</summary>
    internal static string? MissingReason(string packagesFolder)
    {
        var looked = NuGetPackageFiles.Candidates(packagesFolder, PackageId, PackageVersion, ModelInPackage, ModelInApp);
        var preprocess = NuGetPackageFiles.Candidates(packagesFolder, PackageId, PackageVersion, PreprocessInPackage, PreprocessInApp);
        if (looked.Any(File.Exists) && preprocess.Any(File.Exists)) return null;
        return $"{ZooKey} needs the NuGet package {PackageId} {PackageVersion}, which is not on this machine " +
               $"(looked for {string.Join(" and ", looked)}); {FixCommand}";
    }

    /// <summary>The original ONNX graph (<c>ResNet18.onnx</c>).</summary>
    public static string ModelPath() => Find(ModelInPackage, ModelInApp) ?? throw new OmlException(MissingReason()!);

    /// <summary>The original preprocessing graph (<c>ResNetPreprocess.onnx</c>).</summary>
    public static string PreprocessPath() => Find(PreprocessInPackage, PreprocessInApp) ?? throw new OmlException(MissingReason()!);

    /// <summary>Where the converted weights are kept.</summary>
    public static string CachedWeightsPath() => OmlCache.PathOf("zoo", $"{ZooKey}-{PackageVersion}.safetensors");

    /// <summary>The converted weights (torchvision names, <see cref="Arch"/>'s state dict), converting them on first use.</summary>
    public static string WeightsFile()
    {
        var cached = CachedWeightsPath();
        if (File.Exists(cached)) return cached;
        lock (ConvertLock)
        {
            if (!File.Exists(cached)) Convert(ModelPath(), cached);
        }
        return cached;
    }

    /// <summary>Reads the graph at <paramref name="onnxPath"/> and writes its weights as a state dict to <paramref name="target"/>.</summary>
    public static void Convert(string onnxPath, string target)
    {
        var imported = OnnxResnetImport.Read(onnxPath);
        if (!imported.BlocksPerStage.SequenceEqual([2, 2, 2, 3]) || !imported.StageWidths.SequenceEqual([64, 128, 256, 512]))
        {
            throw new OmlException($"{onnxPath}: expected BasicBlocks [2, 2, 2, 3] of widths [64, 128, 256, 512], found " +
                                   $"[{string.Join(", ", imported.BlocksPerStage)}] of [{string.Join(", ", imported.StageWidths)}]");
        }
        using var scope = NewDisposeScope();
        var tensors = imported.ToTensors();
        foreach (var bn in tensors.Keys.Where(k => k.EndsWith(".running_var", StringComparison.Ordinal)).ToList())
        {
            tensors[bn[..^"running_var".Length] + "num_batches_tracked"] = tensor(0L);
        }
        StateDictFile.Write(tensors.OrderBy(t => t.Key, StringComparer.Ordinal), target, WeightsFormat.Safetensors);
    }

    /// <summary>
    /// The preprocessing's mean image, <c>[3, 224, 224]</c> in BGR order on the 0-255 scale (read once from
    /// <c>ResNetPreprocess.onnx</c>, whose graph is checked to be Split → Concat(B, G, R) → Sub(mean image)).
    /// </summary>
    public static float[] MeanImage()
    {
        if (meanImage is { } cached) return cached;
        var path = PreprocessPath();
        var graph = ModelProto.Parser.ParseFromFile(path).Graph;
        var ops = string.Join(" ", graph.Node.Select(n => n.OpType));
        var split = graph.Node.FirstOrDefault(n => n.OpType == "Split");
        var concat = graph.Node.FirstOrDefault(n => n.OpType == "Concat");
        var sub = graph.Node.FirstOrDefault(n => n.OpType == "Sub");
        if (ops != "Split Concat Sub" || split!.Output.Count != 3 || !concat!.Input.SequenceEqual(split.Output.Reverse()))
            throw new OmlException($"{path}: expected Split → Concat(B, G, R) → Sub(mean image), found {ops}");
        var init = graph.Initializer.SingleOrDefault(i => i.Name == sub!.Input[1])
            ?? throw new OmlException($"{path}: the subtracted mean image {sub!.Input[1]} is not a constant");
        var data = OnnxResnetImport.Floats(init);
        if (!init.Dims.SequenceEqual([1L, 3, ImageSize, ImageSize]) || data.Length != 3 * ImageSize * ImageSize)
            throw new OmlException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the mean image has shape [{string.Join(", ", init.Dims)}], expected [1, 3, {ImageSize}, {ImageSize}]"));
        return meanImage = data;
    }

    private static string? Find(string inPackage, string inApp) => NuGetPackageFiles.Find(PackageId, PackageVersion, inPackage, inApp);
}

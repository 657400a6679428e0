using System.Globalization;
using Oml.Onnx;
using Oml.Pipelines;

namespace Oml.Cli.Commands;

/// <summary><c>oml export</c>: <see cref="ExportPipeline"/>, then the file's signature and its check.</summary>
public sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("A checkpoint of oml train (best.ckpt, last.ckpt: it holds its extractor block and config), or a train / validate / predict config whose extractor block (and its weights) is exported.")]
        public string Source { get; init; } = "";

        [CommandArgument(1, "[OVERRIDES]")]
        [Description("key.path=value overrides of the config (a checkpoint's own config too): extractor.args.weights=best.ckpt transforms_predict.args.im_size=224")]
        public string[] Overrides { get; init; } = [];

        [CommandOption("--onnx <PATH>")]
        [Description("The .onnx file to write (written to a temporary file, checked by ONNX Runtime, then renamed).")]
        public string Onnx { get; init; } = "";

        [CommandOption("--im-size <PIXELS>")]
        [Description("The input side when the transform does not fix it (norm_albu, norm_torch, no transform); default: the network's own (224 for a ResNet, a ViT's image size).")]
        public int? ImageSize { get; init; }

        [CommandOption("--tolerance <MAX_ABS>")]
        [Description("The largest max-abs difference between ONNX Runtime's and TorchSharp's features that the check accepts (default 1e-4).")]
        public double Tolerance { get; init; } = OnnxExportOptions.DefaultTolerance;

        public override ValidationResult Validate()
        {
            if (Onnx.Length == 0) return ValidationResult.Error("--onnx <PATH> is required: the .onnx file to write");
            if (!(Tolerance >= 0)) return ValidationResult.Error("--tolerance must be a number >= 0");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ExportPipelineConfig.Load(settings.Source, settings.Onnx, settings.Overrides) with
        {
            ImageSize = settings.ImageSize,
            Tolerance = settings.Tolerance,
        };
        var result = ExportPipeline.Run(config);
        foreach (var note in result.Notes) console.MarkupLine("[grey]note:[/] " + Markup.Escape(note));
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"wrote {result.Path} ({result.Bytes / 1048576.0:0.0} MB, opset {result.Opset}): {result.Architecture}; " +
            $"{result.InputName} [{string.Join(", ", result.InputShape)}] -> {result.OutputName} [{string.Join(", ", result.OutputShape)}]")));
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"checked by ONNX Runtime on {result.CheckImages} at batch sizes {string.Join(" and ", result.CheckedBatchSizes)}: " +
            $"max abs difference to TorchSharp {result.MaxAbsDifference:G3} with features up to {result.LargestFeature:G3} ({result.AllowedDifference:G3} allowed); " +
            $"preprocessing {result.Metadata.GetValueOrDefault(OnnxMetadataKeys.Transform)} {result.Metadata.GetValueOrDefault(OnnxMetadataKeys.TransformArgs)} in the metadata")));
        return 0;
    }
}

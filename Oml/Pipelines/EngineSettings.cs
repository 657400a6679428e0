using Oml.Registries;
using TorchSharp;

namespace Oml.Pipelines;

/// <summary>
/// OML's engine keys (<c>accelerator</c>, <c>devices</c>, <c>precision</c>, <c>find_unused_parameters</c>) mapped to
/// one TorchSharp device. What cannot be honoured here (no CUDA, several devices, half precision) becomes a note, so
/// OML's configs run unchanged.
/// </summary>
public sealed record EngineSettings(string Device, IReadOnlyList<string> Notes)
{
    public static EngineSettings Read(BlockArgs root)
    {
        var notes = new List<string>();
        var accelerator = root.GetString("accelerator", "auto");
        var cuda = CudaAvailable();
        string device;
        switch (accelerator)
        {
            case "cpu":
                device = "cpu";
                break;
            case "gpu" or "cuda":
                device = cuda ? "cuda" : "cpu";
                if (!cuda) notes.Add("accelerator: gpu asked for, but this build/machine has no CUDA device; running on the CPU (see README, GPU)");
                break;
            case "auto":
                device = cuda ? "cuda" : "cpu";
                break;
            default:
                throw new OmlException($"accelerator = '{accelerator}' is not valid: expected cpu, gpu or auto");
        }

        var devices = root.GetRaw("devices");
        var count = devices switch
        {
            null => 1,
            long n => (int)n,
            IList<object?> list => list.Count,
            _ => throw BlockArgs.WrongType("devices", devices, "an integer or a list of device indices"),
        };
        if (count > 1) notes.Add($"devices: {count} asked for; training runs in one process on one {device} device (no DDP)");
        if (devices is IList<object?> { Count: > 0 } ids && device == "cuda") device = $"cuda:{ids[0]}";

        var precision = root.GetRaw("precision");
        if (precision is not null and not 32L and not "32" and not "32-true")
        {
            notes.Add($"precision: {ConfigValueText(precision)} asked for; this version trains and validates in float32");
        }
        if (root.GetBool("find_unused_parameters", false)) notes.Add("find_unused_parameters: only meaningful for DDP; ignored");
        return new EngineSettings(device, notes);
    }

    private static string ConfigValueText(object value) => Config.ConfigTree.ToInlineString(value);

    private static bool CudaAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception)
        {
            return false;
        }
    }
}

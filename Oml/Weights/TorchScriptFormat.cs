using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// TorchScript archives (<c>torch.jit.save</c>; OpenAI's CLIP checkpoints are such): a zip like <c>torch.save</c>'s, but
/// whose <c>data.pkl</c> holds the scripted modules themselves next to <c>constants.pkl</c> and their <c>code/</c>. LibTorch's
/// own loader reads them (the modules' code is compiled, never run); the weights are its named parameters and buffers,
/// copied out in their stored dtype.
/// </summary>
internal static class TorchScriptFormat
{
    /// <summary>Whether the zip archive <paramref name="zip"/> is a TorchScript archive rather than a <c>torch.save</c> file.</summary>
    public static bool IsTorchScript(ZipArchive zip) =>
        zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal) || e.FullName == "constants.pkl");

    /// <summary>The parameters and buffers of the archive's module, by their dotted names, in LibTorch's order.</summary>
    public static List<KeyValuePair<string, Tensor>> Read(string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            using var module = jit.load(path, DeviceType.CPU);
            foreach (var (name, parameter) in module.named_parameters()) tensors.Add(new(name, parameter.detach().clone()));
            foreach (var (name, buffer) in module.named_buffers()) tensors.Add(new(name, buffer.detach().clone()));
            return tensors;
        }
        catch
        {
            foreach (var (_, t) in tensors) t.Dispose();
            throw;
        }
    }
}

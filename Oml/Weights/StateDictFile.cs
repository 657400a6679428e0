using Oml.IO;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// Reads and writes state dicts (key → tensor). The format of a file being read is found from its content, not
/// its extension: PyTorch zip (<c>torch.save</c>, Lightning checkpoints), a TorchScript archive (<c>torch.jit.save</c>:
/// its module's parameters and buffers, read by LibTorch), safetensors, or TorchSharp's
/// <c>Module.save</c>. A checkpoint whose top level is a dict holding the weights under <c>state_dict</c>,
/// <c>model_state_dict</c> or <c>model</c> is unwrapped; other entries (optimizer states, hyper-parameters,
/// pickled objects of unknown Python classes) are skipped, never executed.
/// </summary>
public static class StateDictFile
{
    /// <summary>Top-level keys under which checkpoints nest the weights, in order of preference.</summary>
    public static IReadOnlyList<string> NestingKeys { get; } = ["state_dict", "model_state_dict", "model"];

    internal const string Supported =
        "Supported: PyTorch files written by torch.save (zip format of PyTorch >= 1.6; .pth/.pt/.ckpt, Lightning checkpoints included), "
        + "TorchScript archives written by torch.jit.save (their module's parameters and buffers), "
        + "safetensors, and TorchSharp Module.save files.";

    private const string ConvertHint =
        "Convert in Python with: torch.save(model.state_dict(), path)  (or safetensors.torch.save_file(model.state_dict(), path)).";

    public static StateDict Read(string path)
    {
        if (Directory.Exists(path)) throw new OmlException($"{path} is a folder, not a weights file. {Supported}");
        if (!File.Exists(path)) throw new OmlException($"{path}: weights file not found");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OmlException($"{path}: cannot open the weights file: {e.Message}", innerException: e);
        }

        using (file)
        {
            var head = new byte[Math.Min(64, file.Length)];
            file.ReadExactly(head);
            file.Position = 0;
            try
            {
                if (head.Length == 0) throw Unsupported(path, "the file is empty");
                if (TorchZipFormat.LooksLikeZip(head)) return ReadTorchZip(path, file);
                if (IsLegacyTorch(head))
                {
                    throw Unsupported(path, "it was written by torch.save in the legacy (pre-1.6, non-zip) format",
                        "Re-save it in Python: torch.save(torch.load(path), new_path), which writes the zip format.");
                }
                if (SafetensorsFormat.LooksLikeSafetensors(head, file.Length))
                {
                    return new StateDict(path, WeightsFormat.Safetensors, SafetensorsFormat.Read(file), null, []);
                }
                var torchSharp = TorchSharpFormat.TryRead(file);
                if (torchSharp is not null) return new StateDict(path, WeightsFormat.TorchSharp, torchSharp, null, []);
                if (head[0] == 0x80) throw Unsupported(path, "it is a bare Python pickle, not a torch.save zip file");
                throw Unsupported(path, "the content is not a known weights format");
            }
            catch (OmlException)
            {
                throw;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or System.Text.Json.JsonException
                                          or FormatException or InvalidCastException or OverflowException or NotSupportedException)
            {
                throw Unsupported(path, $"the file is damaged or truncated ({e.Message})", null, e);
            }
        }
    }

    /// <summary>Writes <paramref name="tensors"/> atomically (temp file + rename) in <paramref name="format"/>.</summary>
    public static void Write(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, WeightsFormat format)
    {
        AtomicFile.Write(path, stream =>
        {
            switch (format)
            {
                case WeightsFormat.PyTorch: TorchZipFormat.Write(stream, tensors, ArchiveName(path)); break;
                case WeightsFormat.Safetensors: SafetensorsFormat.Write(stream, tensors); break;
                case WeightsFormat.TorchSharp: TorchSharpFormat.Write(stream, tensors); break;
                default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
            }
        });
    }

    /// <summary>The format <see cref="ModuleWeights.Save"/> writes for a file name: .pth/.pt/.ckpt → PyTorch, .safetensors → safetensors, anything else → TorchSharp.</summary>
    public static WeightsFormat FormatForExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".pth" or ".pt" or ".ckpt" => WeightsFormat.PyTorch,
        ".safetensors" => WeightsFormat.Safetensors,
        _ => WeightsFormat.TorchSharp,
    };

    private static string ArchiveName(string path)
    {
        var name = new string([.. Path.GetFileNameWithoutExtension(path).Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]);
        return name.Length == 0 ? "archive" : name;
    }

    // legacy torch.save: a pickle (protocol 2) whose first object is the magic number 0x1950a86a20f9469cfc6c
    private static bool IsLegacyTorch(ReadOnlySpan<byte> head) =>
        head.Length >= 14 && head[0] == 0x80 && head[2] == 0x8a && head[3] == 0x0a
        && head[4..14].SequenceEqual(new byte[] { 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 });

    private static StateDict ReadTorchZip(string path, FileStream file)
    {
        if (IsTorchScript(file)) return ReadTorchScript(path);
        using var archive = TorchZipFormat.Open(file)
            ?? throw Unsupported(path, "it is a zip archive without a data.pkl entry, so not a torch.save file");

        var ignored = new List<string>();
        var (dict, nestedUnder) = FindStateDict(path, archive.Root, ignored);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var (key, value) in dict)
            {
                if (key is not string name)
                {
                    ignored.Add($"{TorchZipFormat.Describe(key)} (not a string key)");
                    continue;
                }
                if (value is PickledTensor t) tensors.Add(new(name, archive.Materialize(t)));
                else ignored.Add($"{name} (not a tensor: {TorchZipFormat.Describe(value)})");
            }
        }
        catch
        {
            foreach (var (_, t) in tensors) t.Dispose();
            throw;
        }
        return new StateDict(path, WeightsFormat.PyTorch, tensors, nestedUnder, ignored);
    }

    private static bool IsTorchScript(FileStream file)
    {
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            return TorchScriptFormat.IsTorchScript(zip);
        }
        finally
        {
            file.Position = 0;
        }
    }

    private static StateDict ReadTorchScript(string path)
    {
        try
        {
            return new StateDict(path, WeightsFormat.TorchScript, TorchScriptFormat.Read(path), null, []);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException)
        {
            throw Unsupported(path, $"it is a TorchScript archive (torch.jit.save) that LibTorch cannot load ({e.Message.Split('\n')[0]})",
                "Re-save the weights in Python: torch.save(torch.jit.load(path).state_dict(), new_path).", e);
        }
    }

    private static (Dictionary<object, object?> Dict, string? NestedUnder) FindStateDict(string path, object? root, List<string> ignored)
    {
        if (root is PickleObject o)
        {
            throw Unsupported(path, $"it holds a whole pickled Python object of class {o.Type.FullName} (a module?), not a state_dict",
                "Re-save only the weights in Python: torch.save(model.state_dict(), path).");
        }
        if (root is not Dictionary<object, object?> top)
        {
            throw Unsupported(path, $"its top-level object is {TorchZipFormat.Describe(root)}, not a dict of tensors");
        }

        var current = top;
        string? nested = null;
        for (var depth = 0; depth < 3; depth++)
        {
            if (current.Values.Any(v => v is PickledTensor)) break;
            var next = NestingKeys.FirstOrDefault(k => current.TryGetValue(k, out var v) && v is Dictionary<object, object?>);
            if (next is null) break;
            foreach (var k in current.Keys) if (!Equals(k, next)) ignored.Add(k is string s ? s : TorchZipFormat.Describe(k));
            current = (Dictionary<object, object?>)current[next]!;
            nested = nested is null ? next : nested + "/" + next;
        }

        if (!current.Values.Any(v => v is PickledTensor))
        {
            if (current.Values.Any(v => v is PickleObject { Type.Module: var m } && m.StartsWith("torch.nn", StringComparison.Ordinal)))
            {
                throw Unsupported(path, "the weights are a whole pickled module inside a dict, not a state_dict",
                    "Re-save only the weights in Python: torch.save(model.state_dict(), path).");
            }
            var keys = string.Join(", ", current.Keys.Take(10).Select(k => k as string ?? TorchZipFormat.Describe(k)));
            throw Unsupported(path,
                $"no tensors found{(nested is null ? " at the top level" : $" under '{nested}'")} (keys: {keys}); expected a state_dict, or a checkpoint dict with one of {string.Join(", ", NestingKeys)}");
        }
        return (current, nested);
    }

    private static OmlException Unsupported(string path, string reason, string? hint = null, Exception? inner = null) =>
        new($"{path}: cannot read weights: {reason}.", [Supported, hint ?? ConvertHint], inner);
}

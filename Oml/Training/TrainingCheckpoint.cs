using System.IO.Compression;
using System.Text.Json;
using Oml.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>
/// A training checkpoint (<c>best.ckpt</c>, <c>last.ckpt</c>): one zip file holding the run state as JSON and the
/// extractor, criterion and optimizer tensors in TorchSharp's format. It is written to a temporary file in the same
/// folder and renamed over the target, so a process killed while saving leaves the previous checkpoint intact.
/// </summary>
public static class TrainingCheckpoint
{
    private const string StateEntry = "oml-checkpoint.json";
    private const string ExtractorEntry = "extractor.bin";
    private const string CriterionEntry = "criterion.bin";
    private const string OptimizerEntry = "optimizer.bin";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(string path, CheckpointState state, nn.Module extractor, nn.Module criterion, optim.Optimizer optimizer)
    {
        var helper = AsHelper(optimizer);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, file =>
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry(StateEntry, CompressionLevel.Fastest).Open())
            {
                JsonSerializer.Serialize(entry, state, Json);
            }
            using (var entry = zip.CreateEntry(ExtractorEntry, CompressionLevel.NoCompression).Open()) extractor.save(entry);
            using (var entry = zip.CreateEntry(CriterionEntry, CompressionLevel.NoCompression).Open()) criterion.save(entry);
            using (var entry = zip.CreateEntry(OptimizerEntry, CompressionLevel.NoCompression).Open())
            using (var writer = new BinaryWriter(entry))
            {
                helper.save_state_dict(writer);
            }
        });
    }

    /// <summary>Whether <paramref name="path"/> is a checkpoint written by <see cref="Save"/>.</summary>
    public static bool IsCheckpoint(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.GetEntry(StateEntry) is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public static CheckpointState ReadState(string path)
    {
        using var zip = Open(path);
        using var stream = Entry(zip, StateEntry, path).Open();
        var state = JsonSerializer.Deserialize<CheckpointState>(stream, Json)
                    ?? throw new OmlException($"{path}: the checkpoint's {StateEntry} is empty");
        if (state.Format != CheckpointState.FormatName || state.Version != 1)
        {
            throw new OmlException($"{path}: checkpoint format {state.Format} v{state.Version} is not supported by this version (expected {CheckpointState.FormatName} v1)");
        }
        return state with { ExtractorArgs = JsonPlainValues.Normalise(state.ExtractorArgs) };
    }

    /// <summary>Loads the extractor's weights; the extractor must have been built from the same block.</summary>
    public static void LoadExtractor(string path, nn.Module extractor)
    {
        using var zip = Open(path);
        LoadModule(zip, ExtractorEntry, path, extractor, "extractor");
    }

    /// <summary>Loads what resuming needs besides the extractor: the criterion (e.g. ArcFace's weight) and the optimizer state.</summary>
    public static void LoadTrainingState(string path, nn.Module criterion, optim.Optimizer optimizer)
    {
        using var zip = Open(path);
        LoadModule(zip, CriterionEntry, path, criterion, "criterion");
        using var stream = Seekable(Entry(zip, OptimizerEntry, path));
        using var reader = new BinaryReader(stream);
        try
        {
            AsHelper(optimizer).load_state_dict(reader);
        }
        catch (Exception e) when (e is not OmlException)
        {
            throw new OmlException($"{path}: the optimizer state does not fit this optimizer ({e.Message}); resume with the optimizer block the run was started with");
        }
    }

    private static void LoadModule(ZipArchive zip, string name, string path, nn.Module module, string what)
    {
        using var stream = Seekable(Entry(zip, name, path));
        try
        {
            module.load(stream, strict: true);
        }
        catch (Exception e) when (e is not OmlException)
        {
            throw new OmlException($"{path}: the {what} in this checkpoint does not fit the configured {what} ({e.Message}); " +
                                   $"use the same {what} block (name and args) as the run that wrote it");
        }
    }

    private static MemoryStream Seekable(ZipArchiveEntry entry)
    {
        var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new OmlException($"checkpoint {path} does not exist");
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new OmlException($"{path} is not a checkpoint of this library (not a zip file)");
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new OmlException($"{path} is not a complete checkpoint: it has no {name}");

    private static OptimizerHelper AsHelper(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new OmlException($"optimizer {optimizer.GetType().Name} cannot save its state (it is not a TorchSharp OptimizerHelper), so it cannot be checkpointed");
}

using System.IO.Compression;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// Reads the zip layout of this library's training checkpoints (<c>best.ckpt</c>, <c>last.ckpt</c>): a JSON run state
/// and the extractor, criterion and optimizer tensors in TorchSharp's format, one entry each. Loading an extractor's
/// weights needs only this, not the training code that writes the file (<c>Oml.Training.TrainingCheckpoint</c>).
/// </summary>
public static class CheckpointFile
{
    public const string StateEntry = "oml-checkpoint.json";
    public const string ExtractorEntry = "extractor.bin";
    public const string CriterionEntry = "criterion.bin";
    public const string OptimizerEntry = "optimizer.bin";

    /// <summary>A postprocessor training checkpoint (<c>oml train-postprocessor</c>) holds this instead of <see cref="ExtractorEntry"/>.</summary>
    public const string PairwiseModelEntry = "pairwise_model.bin";

    /// <summary>Whether <paramref name="path"/> is a checkpoint of this library (a zip with the run state entry).</summary>
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

    /// <summary>Loads the extractor's weights; the extractor must have been built from the same block.</summary>
    public static void LoadExtractor(string path, nn.Module extractor)
    {
        using var zip = Open(path);
        LoadModule(zip, ExtractorEntry, path, extractor, "extractor");
    }

    /// <summary>Loads one module's entry strictly; a mismatch names the checkpoint and the block to use.</summary>
    public static void LoadModule(ZipArchive zip, string entry, string path, nn.Module module, string what)
    {
        using var stream = Seekable(Entry(zip, entry, path));
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

    /// <summary>An entry's bytes in a seekable stream (TorchSharp's readers seek).</summary>
    public static MemoryStream Seekable(ZipArchiveEntry entry)
    {
        var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    public static ZipArchive Open(string path)
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

    public static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new OmlException($"{path} is not a complete checkpoint: it has no {name}");
}

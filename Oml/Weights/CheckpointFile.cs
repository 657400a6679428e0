using System.IO.Compression;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// Reads the zip layout of this library's training checkpoints (<c>best.ckpt</c>, <c>last.ckpt</c>): a JSON run state
/// and the extractor (postprocessor checkpoints: the pairwise model), criterion and optimizer tensors in TorchSharp's
/// format, one entry each. Loading an extractor's or a pairwise model's weights needs only this, not the training code
/// that writes the file (<c>Oml.Training.TrainingCheckpoint</c>).
/// </summary>
public static class CheckpointFile
{
    public const string StateEntry = "oml-checkpoint.json";
    public const string ExtractorEntry = "extractor.bin";
    public const string CriterionEntry = "criterion.bin";
    public const string OptimizerEntry = "optimizer.bin";

    /// <summary>The state of a criterion's miner that outlives a batch (a memory bank, a random generator), when it has one.</summary>
    public const string MinerStateEntry = "miner_state.bin";

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

    /// <summary>
    /// Loads the extractor's weights; the extractor must have been built from the same block. A postprocessor
    /// checkpoint (a pairwise model, no extractor) is a clear error.
    /// </summary>
    public static void LoadExtractor(string path, nn.Module extractor)
    {
        using var zip = Open(path);
        if (zip.GetEntry(ExtractorEntry) is null && zip.GetEntry(PairwiseModelEntry) is not null)
        {
            throw new OmlException($"{path} is a checkpoint of oml train-postprocessor (it holds a pairwise model, {PairwiseModelEntry}), not of oml train: " +
                                   "give it as postprocessor.args.pairwise_model.args.weights; an extractor's weights come from oml train (its best.ckpt) " +
                                   "or from a PyTorch / OML weights file");
        }
        LoadModule(zip, ExtractorEntry, path, extractor, "extractor");
    }

    /// <summary>
    /// Loads the pairwise model of a postprocessor checkpoint (<c>oml train-postprocessor</c>'s <c>best.ckpt</c>,
    /// <c>last.ckpt</c>); the model must have been built from the same <c>pairwise_model</c> block. An extractor
    /// checkpoint of <c>oml train</c> is a clear error.
    /// </summary>
    public static void LoadPairwiseModel(string path, nn.Module pairwiseModel)
    {
        using var zip = Open(path);
        if (zip.GetEntry(PairwiseModelEntry) is null && zip.GetEntry(ExtractorEntry) is not null)
        {
            throw new OmlException($"{path} is a checkpoint of oml train (it holds an extractor, {ExtractorEntry}), not of oml train-postprocessor: " +
                                   "a pairwise model's weights come from oml train-postprocessor (its best.ckpt); an extractor checkpoint goes to an extractor's " +
                                   "weights (extractor.args.weights, or postprocessor.args.pairwise_model.args.extractor.args.weights)");
        }
        LoadModule(zip, PairwiseModelEntry, path, pairwiseModel, "pairwise model");
    }

    /// <summary>
    /// Loads one module's entry strictly; a mismatch names the checkpoint, the keys and shapes that differ and the
    /// block to use.
    /// </summary>
    public static void LoadModule(ZipArchive zip, string entry, string path, nn.Module module, string what)
    {
        using var stream = Seekable(Entry(zip, entry, path));
        try
        {
            module.load(stream, strict: true);
        }
        catch (Exception e) when (e is not OmlException)
        {
            var differences = Differences(zip, entry, path, module); // the failed load closed the stream
            var found = differences.Count == 0 ? $" ({e.Message})" : $": {string.Join(", ", differences.Select(d => d.Summary))}";
            throw new OmlException($"{path}: the {what} in this checkpoint does not fit the configured {what}{found}; " +
                                   $"use the same {what} block (name and args) as the run that wrote it",
                differences.Select(d => d.Detail).ToArray());
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

    /// <summary>The keys missing from an entry, the keys it has in excess and the shapes that differ, each as a count and a list.</summary>
    private static List<(string Summary, string Detail)> Differences(ZipArchive zip, string entry, string path, nn.Module module)
    {
        Dictionary<string, Tensor>? saved;
        using (var stream = Seekable(Entry(zip, entry, path))) saved = TorchSharpFormat.TryRead(stream);
        if (saved is null) return [];
        try
        {
            var targets = module.state_dict();
            var missing = targets.Keys.Where(k => !saved.ContainsKey(k)).ToList();
            var unexpected = saved.Keys.Where(k => !targets.ContainsKey(k)).ToList();
            var shapes = saved.Where(kv => targets.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
                .Select(kv => $"{kv.Key}: checkpoint [{string.Join(", ", kv.Value.shape)}] vs model [{string.Join(", ", targets[kv.Key].shape)}]")
                .ToList();
            var result = new List<(string, string)>();
            if (missing.Count > 0) result.Add(($"{missing.Count} missing key(s)", List("missing in the checkpoint", missing)));
            if (unexpected.Count > 0) result.Add(($"{unexpected.Count} unexpected key(s)", List("unexpected in the checkpoint", unexpected)));
            if (shapes.Count > 0) result.Add(($"{shapes.Count} shape mismatch(es)", List("shape mismatches", shapes)));
            return result;
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    private static string List(string title, IReadOnlyList<string> items)
    {
        var shown = string.Join("; ", items.Take(ModuleWeights.ListedKeys));
        return items.Count > ModuleWeights.ListedKeys ? $"{title} ({items.Count}): {shown}; ... and {items.Count - ModuleWeights.ListedKeys} more" : $"{title} ({items.Count}): {shown}";
    }
}

using System.IO.Compression;
using System.Text.Json;
using Oml.IO;
using Oml.Losses;
using Oml.Miners;
using Oml.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>
/// A training checkpoint (<c>best.ckpt</c>, <c>last.ckpt</c>): one zip file holding the run state as JSON and the
/// extractor, criterion and optimizer tensors in TorchSharp's format, and the state of a miner that keeps one across
/// batches (<see cref="IStatefulMiner"/>: memory banks, random generators). It is written to a temporary file in the same
/// folder and renamed over the target, so a process killed while saving leaves the previous checkpoint intact.
/// </summary>
public static class TrainingCheckpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(string path, CheckpointState state, nn.Module extractor, nn.Module criterion, optim.Optimizer optimizer) =>
        Save(path, state, CheckpointFile.ExtractorEntry, extractor, criterion, optimizer);

    /// <summary>Saves <paramref name="model"/> under <paramref name="modelEntry"/> (the extractor's, or <see cref="CheckpointFile.PairwiseModelEntry"/>).</summary>
    public static void Save(string path, CheckpointState state, string modelEntry, nn.Module model, nn.Module criterion, optim.Optimizer optimizer)
    {
        var helper = AsHelper(optimizer);
        OutputLocation.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, file =>
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry(CheckpointFile.StateEntry, CompressionLevel.Fastest).Open())
            {
                JsonSerializer.Serialize(entry, state, Json);
            }
            using (var entry = zip.CreateEntry(modelEntry, CompressionLevel.NoCompression).Open()) model.save(entry);
            using (var entry = zip.CreateEntry(CheckpointFile.CriterionEntry, CompressionLevel.NoCompression).Open()) criterion.save(entry);
            using (var entry = zip.CreateEntry(CheckpointFile.OptimizerEntry, CompressionLevel.NoCompression).Open())
            using (var writer = new BinaryWriter(entry))
            {
                helper.save_state_dict(writer);
            }
            if (StatefulMiner(criterion) is { } miner)
            {
                var minerState = miner.SaveState();
                try
                {
                    minerState[MinerStateVersionKey] = tensor(new[] { 1L });
                    using var entry = zip.CreateEntry(CheckpointFile.MinerStateEntry, CompressionLevel.Fastest).Open();
                    TorchSharpFormat.Write(entry, minerState);
                }
                finally
                {
                    foreach (var t in minerState.Values) t.Dispose();
                }
            }
        });
    }

    private const string MinerStateVersionKey = "miner_state.version";

    /// <summary>The criterion's state that outlives a batch: the criterion itself, or its miner (<see cref="TripletLossWithMiner.Miner"/>).</summary>
    private static IStatefulMiner? StatefulMiner(nn.Module criterion) =>
        criterion as IStatefulMiner ?? (criterion as TripletLossWithMiner)?.Miner as IStatefulMiner;

    /// <summary>
    /// Restores the miner's state (a memory bank, a random generator) when the criterion has such a miner. Returns a
    /// note when the checkpoint has none to restore (written before miners kept their state), null otherwise.
    /// </summary>
    public static string? LoadMinerState(string path, nn.Module criterion)
    {
        if (StatefulMiner(criterion) is not { } miner) return null;
        using var zip = CheckpointFile.Open(path);
        if (zip.GetEntry(CheckpointFile.MinerStateEntry) is not { } entry)
        {
            return $"{path} holds no state of the miner ({miner.GetType().Name}: its memory bank or random generator), so it starts afresh; " +
                   "the resumed run mines differently from an uninterrupted one";
        }
        using var stream = CheckpointFile.Seekable(entry);
        var state = TorchSharpFormat.TryRead(stream)
                    ?? throw new OmlException($"{path}: the miner state ({CheckpointFile.MinerStateEntry}) is damaged; resume from another checkpoint or start the run afresh");
        try
        {
            miner.LoadState(state, path);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a checkpoint written by <see cref="Save(string, CheckpointState, string, nn.Module, nn.Module, optim.Optimizer)"/>.</summary>
    public static bool IsCheckpoint(string path) => CheckpointFile.IsCheckpoint(path);

    public static CheckpointState ReadState(string path)
    {
        using var zip = CheckpointFile.Open(path);
        using var stream = CheckpointFile.Entry(zip, CheckpointFile.StateEntry, path).Open();
        var state = JsonSerializer.Deserialize<CheckpointState>(stream, Json)
                    ?? throw new OmlException($"{path}: the checkpoint's {CheckpointFile.StateEntry} is empty");
        if (state.Format != CheckpointState.FormatName || state.Version != 1)
        {
            throw new OmlException($"{path}: checkpoint format {state.Format} v{state.Version} is not supported by this version (expected {CheckpointState.FormatName} v1)");
        }
        return state with { ExtractorArgs = JsonPlainValues.Normalise(state.ExtractorArgs) };
    }

    /// <summary>Loads the extractor's weights; the extractor must have been built from the same block.</summary>
    public static void LoadExtractor(string path, nn.Module extractor) => CheckpointFile.LoadExtractor(path, extractor);

    /// <summary>Loads the module saved under <paramref name="modelEntry"/>; it must have been built from the same block.</summary>
    public static void LoadModel(string path, string modelEntry, nn.Module model)
    {
        using var zip = CheckpointFile.Open(path);
        CheckpointFile.LoadModule(zip, modelEntry, path, model, modelEntry == CheckpointFile.PairwiseModelEntry ? "pairwise model" : "extractor");
    }

    /// <summary>Loads what resuming needs besides the extractor: the criterion (e.g. ArcFace's weight) and the optimizer state.</summary>
    public static void LoadTrainingState(string path, nn.Module criterion, optim.Optimizer optimizer)
    {
        using var zip = CheckpointFile.Open(path);
        CheckpointFile.LoadModule(zip, CheckpointFile.CriterionEntry, path, criterion, "criterion");
        using var stream = CheckpointFile.Seekable(CheckpointFile.Entry(zip, CheckpointFile.OptimizerEntry, path));
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

    private static OptimizerHelper AsHelper(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new OmlException($"optimizer {optimizer.GetType().Name} cannot save its state (it is not a TorchSharp OptimizerHelper), so it cannot be checkpointed");
}

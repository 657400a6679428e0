using Oml.Training;
using Oml.Weights;

namespace Oml.Pipelines;

/// <summary>
/// <c>resume=...</c>: a checkpoint file (<c>.../checkpoints/last.ckpt</c>) or a run folder (its <c>checkpoints/last.ckpt</c>).
/// The resumed run keeps writing to the same run folder.
/// </summary>
internal sealed record ResumePoint(string Path, string RunDirectory, CheckpointState State)
{
    public static ResumePoint Read(string location)
    {
        var path = Directory.Exists(location) ? System.IO.Path.Combine(location, "checkpoints", "last.ckpt") : location;
        if (!File.Exists(path)) throw new OmlException($"resume = {location}: {path} does not exist (give a last.ckpt or the run folder that holds checkpoints/last.ckpt)");
        if (!TrainingCheckpoint.IsCheckpoint(path)) throw new OmlException($"resume = {location}: {path} is not a training checkpoint written by oml train");
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var runDirectory = System.IO.Path.GetFileName(directory) == "checkpoints" ? System.IO.Path.GetDirectoryName(directory)! : directory;
        return new ResumePoint(path, runDirectory, TrainingCheckpoint.ReadState(path));
    }

    /// <summary>A checkpoint of the other pipeline (an extractor's for a postprocessor run, or the reverse) is a clear error.</summary>
    public void ThrowIfOtherModel(string modelEntry)
    {
        using var zip = CheckpointFile.Open(Path);
        if (zip.GetEntry(modelEntry) is not null) return;
        throw modelEntry == CheckpointFile.PairwiseModelEntry
            ? new OmlException($"resume = {Path}: this checkpoint holds an extractor (written by oml train); resume it with oml train, or start the postprocessor run without resume")
            : new OmlException($"resume = {Path}: this checkpoint holds a pairwise model (written by oml train-postprocessor); resume it with oml train-postprocessor");
    }
}

using Oml.Training;

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
}

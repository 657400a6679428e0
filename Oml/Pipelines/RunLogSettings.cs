using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// Where a run writes (<c>logs_root/logs_folder</c>) and OML's logger keys. TensorBoard and CSV logs are always
/// written; the online loggers (wandb, neptune, mlflow, clearml) cannot be reached offline and become a note.
/// </summary>
public sealed record RunLogSettings(string LogsRoot, string LogsFolder, IReadOnlyList<string> Tags, IReadOnlyList<string> Notes)
{
    public string RunDirectory => Path.Combine(LogsRoot, LogsFolder);

    public static RunLogSettings Read(BlockArgs root, DateTime now)
    {
        var notes = new List<string>();
        var logsRoot = root.GetString("logs_root", "logs");
        var postfix = root.GetNullableString("postfix");
        var logsFolder = root.GetNullableString("logs_folder")
                         ?? now.ToString("yyyy-MM-dd_HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(postfix) ? "" : "_" + postfix);
        var tags = new List<string>();
        if (root.GetRaw("tags") is IList<object?> list) tags.AddRange(list.Where(t => t is not null).Select(t => Config.ConfigTree.ToInlineString(t)).Where(t => t.Length > 0));
        if (!string.IsNullOrEmpty(postfix) && !tags.Contains(postfix)) tags.Add(postfix);

        var logger = root.GetBlock("logger");
        if (logger is not null && logger.Name != "tensorboard")
        {
            notes.Add($"logger: {logger.Name} is an online service and is not used offline; TensorBoard events and CSV logs are written to the run folder instead");
        }
        root.GetRaw("hydra_dir");
        return new RunLogSettings(logsRoot, logsFolder, tags, notes);
    }
}

namespace Oml.Weights;

/// <summary>
/// How the keys of a weights file map onto a module's keys (see <see cref="StateDictKeys.Match"/>).
/// </summary>
/// <param name="Renamed">Every kept file key (in file order) with the module key it is meant for.</param>
/// <param name="StrippedPrefix">The prefix removed from the file keys, or empty.</param>
/// <param name="Dropped">File keys dropped as training-only (loss weights).</param>
public sealed record KeyMatch(
    IReadOnlyList<KeyValuePair<string, string>> Renamed,
    string StrippedPrefix,
    IReadOnlyList<string> Dropped);

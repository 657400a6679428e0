namespace Oml.Zoo;

/// <summary>
/// One pretrained checkpoint of OML's model zoo: what OML calls it (<see cref="Key"/>, the value of
/// <c>extractor.args.weights</c>), the model it fits, where OML downloads it from and how it checks it.
/// </summary>
/// <param name="Key">OML's key, e.g. <c>vits16_dino</c>.</param>
/// <param name="Extractor">OML's extractor registry name (<c>vit</c>, <c>resnet</c>, <c>vit_clip</c>, <c>vit_unicom</c>,
/// <c>extractor_with_mlp</c>), or <c>ecapa_tdnn</c> for OML's audio extractor, which is in no registry.</param>
/// <param name="Arch">OML's <c>arch</c>; for <c>extractor_with_mlp</c> the backbone's (a <c>vit</c>).</param>
/// <param name="InitArgs">OML's <c>init_args</c> for the key (what <c>from_pretrained</c> builds), arch included.</param>
/// <param name="Urls">The addresses OML tries, in its order.</param>
/// <param name="GoogleDriveId">OML's last resort for its own checkpoints (a Google Drive file id, fetched by gdown), or null.</param>
/// <param name="Checksum">What the file's digest must start with.</param>
/// <param name="FileName">The name of the file in the cache folder (OML's <c>fname</c>; torchvision's and Unicom's own names for theirs).</param>
/// <param name="Layout">How OML reads the file.</param>
/// <param name="Transform">OML's transform for the key (<c>TRANSFORMS_FOR_PRETRAINED</c>), as a config block.</param>
/// <param name="Source">The file of OML's source the row comes from.</param>
public sealed record ZooEntry(
    string Key,
    string Extractor,
    string Arch,
    IReadOnlyDictionary<string, object?> InitArgs,
    IReadOnlyList<string> Urls,
    string? GoogleDriveId,
    ZooChecksum Checksum,
    string FileName,
    CheckpointLayout Layout,
    string Transform,
    string Source)
{
    /// <summary>The MLP head's sizes for <c>extractor_with_mlp</c> keys, otherwise empty.</summary>
    public IReadOnlyList<int> MlpFeatures => InitArgs.GetValueOrDefault("mlp_features") as IReadOnlyList<int> ?? [];

    /// <summary>"vit vits16", "extractor_with_mlp (vit vits16, mlp [384])".</summary>
    public string ArchitectureText => Extractor == "extractor_with_mlp"
        ? $"extractor_with_mlp (vit {Arch}, mlp [{string.Join(", ", MlpFeatures)}])"
        : $"{Extractor} {Arch}";
}

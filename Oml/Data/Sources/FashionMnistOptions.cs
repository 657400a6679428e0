namespace Oml.Data.Sources;

/// <summary>Where Fashion-MNIST is read from and how much of it becomes an OML dataset.</summary>
public sealed record FashionMnistOptions
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
    public const string DefaultSourceDirectory = "/usr/share/datasets/fashion-mnist";

    public string SourceDirectory { get; init; } = DefaultSourceDirectory;

    public FashionMnistSplitMode SplitMode { get; init; } = FashionMnistSplitMode.Open;

    /// <summary>At most this many images of each class from each file (the first ones in file order); null for all.</summary>
    public int? MaxPerClassPerFile { get; init; }

    public void Validate()
    {
        if (MaxPerClassPerFile is < 2)
        {
            throw new OmlException(
                $"max images per class per file = {MaxPerClassPerFile}: must be at least 2 (samplers need 2 images of a class), or unset for all");
        }
    }
}

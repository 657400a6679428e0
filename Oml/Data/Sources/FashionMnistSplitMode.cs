namespace Oml.Data.Sources;

/// <summary>How <see cref="FashionMnistImporter"/> splits the ten classes.</summary>
public enum FashionMnistSplitMode
{
    /// <summary>Open set (metric-learning practice): classes 0-4 train, classes 5-9 validation; images of both files.</summary>
    Open,

    /// <summary>Closed set: the train file is the train split, the t10k file the validation split; all classes in both.</summary>
    Closed,
}

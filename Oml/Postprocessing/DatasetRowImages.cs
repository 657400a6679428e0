using Oml.Images;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>The images of an <see cref="ImageDataset"/> (the validation split with its validation transform) by row.</summary>
public sealed class DatasetRowImages(ImageDataset dataset, int? threads = null) : IRowImages
{
    public ImageDataset Dataset { get; } = dataset ?? throw new ArgumentNullException(nameof(dataset));

    public int Count => Dataset.Count;

    public Tensor Load(IReadOnlyList<int> rows) => Dataset.LoadBatch(rows, threads: threads);
}

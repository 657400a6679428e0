using Oml.Images;
using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>
/// Embeds every sample of a dataset with an extractor in eval mode, without gradients, batch by batch (each batch
/// in its own dispose scope, the next one decoded while the current one runs), into one <c>[N, D]</c> CPU tensor.
/// </summary>
public static class EmbeddingExtraction
{
    public static Tensor Run(
        nn.Module<Tensor, Tensor> extractor,
        ImageDataset dataset,
        int batchSize,
        int workers,
        Device device,
        Action<int, int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var wasTraining = extractor.training;
        extractor.eval();
        try
        {
            using var noGrad = no_grad();
            return Run(images => extractor.forward(images.to(device)), dataset, batchSize, workers, progress, cancellationToken);
        }
        finally
        {
            extractor.train(wasTraining);
        }
    }

    /// <summary>
    /// The same with any forward pass from CPU images [B, 3, H, W] to features [B, D] (e.g. an ONNX model in ONNX
    /// Runtime); the caller sets its inference mode.
    /// </summary>
    public static Tensor Run(
        Func<Tensor, Tensor> forward,
        ImageDataset dataset,
        int batchSize,
        int workers,
        Action<int, int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(forward);
        if (dataset.Count == 0) throw new OmlException("there are no images to embed");
        var batches = Enumerable.Range(0, (dataset.Count + batchSize - 1) / batchSize)
            .Select(b => Enumerable.Range(b * batchSize, Math.Min(batchSize, dataset.Count - b * batchSize)).ToArray())
            .ToArray();
        Tensor? output = null;
        try
        {
            using var loader = new TrainBatchLoader(dataset, batches, epoch: 0, workers);
            var done = 0;
            while (loader.Next() is { } batch)
            {
                using (batch)
                using (NewDisposeScope())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var features = forward(batch.Images).to(CPU).to(ScalarType.Float32);
                    if (features.ndim != 2 || features.shape[0] != batch.Rows.Length)
                    {
                        throw new OmlException($"the extractor returned shape [{string.Join(", ", features.shape)}] for {batch.Rows.Length} images; expected [{batch.Rows.Length}, feat_dim]");
                    }
                    output ??= zeros([dataset.Count, features.shape[1]], ScalarType.Float32).MoveToOuterDisposeScope();
                    output.narrow(0, batch.Rows[0], batch.Rows.Length).copy_(features);
                }
                done += batch.Rows.Length;
                progress?.Invoke(done, dataset.Count);
            }
            return output!;
        }
        catch
        {
            output?.Dispose();
            throw;
        }
    }
}

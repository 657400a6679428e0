using Oml.Data.Sources;

namespace Oml.Tests.Pipelines;

/// <summary>
/// A small mock dataset (8 classes x 8 images of 32 px: 4 train, 4 validation classes) and a matching training
/// config, made once per test class. Tests write their runs under their own folders.
/// </summary>
public sealed class TrainingFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TrainingFixture()
    {
        DatasetRoot = _directory.File("mock");
        MockDatasetGenerator.Generate(DatasetRoot, new MockDatasetOptions { Classes = 8, PerClass = 8, Size = 32, Seed = 3 });
    }

    public string DatasetRoot { get; }

    /// <summary>A training config for the mock set: resnet18 at 32 px, balance 2 x 4, all triplets, Adam.</summary>
    public string Config(string logsRoot, string extra = "") => $$$"""
        seed: 7
        accelerator: cpu
        dataset_root: {{{DatasetRoot}}}
        dataframe_name: df.csv
        logs_root: {{{logsRoot}}}
        logs_folder: run
        num_workers: 0
        transforms_train:
          name: norm_resize_torch
          args: {im_size: 32}
        transforms_val:
          name: norm_resize_torch
          args: {im_size: 32}
        sampler:
          name: balance
          args: {n_labels: 2, n_instances: 4}
        bs_val: 32
        extractor:
          name: resnet
          args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: null}
        criterion:
          name: triplet_with_miner
          args:
            margin: 0.2
            miner: {name: all_triplets, args: {}}
        optimizer:
          name: adam
          args: {lr: 0.001}
        max_epochs: 2
        valid_period: 1
        metric_args: {cmc_top_k: [1, 5], map_top_k: [5], fmr_vals: [], pcf_variance: [0.5]}
        metric_for_checkpointing: OVERALL/cmc/1
        {{{extra}}}
        """;

    /// <summary>
    /// A postprocessor training config for the mock set: the seeded random resnet18 at 32 px embeds both splits, and
    /// <paramref name="pairwiseModel"/> (YAML at the indentation of a top-level value) re-ranks its top 3.
    /// </summary>
    public string PostprocessorConfig(string logsRoot, string cacheDirectory, string pairwiseModel, string extra = "") => $$$"""
        seed: 7
        accelerator: cpu
        dataset_root: {{{DatasetRoot}}}
        dataframe_name: df.csv
        logs_root: {{{logsRoot}}}
        logs_folder: run
        num_workers: 0
        embeddings_cache_dir: {{{cacheDirectory}}}
        extractor:
          name: resnet
          args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: null}
        transforms_extraction:
          name: norm_resize_torch
          args: {im_size: 32}
        transforms_train:
          name: norm_resize_torch
          args: {im_size: 32}
        pairwise_model:
        {{{pairwiseModel}}}
        hard_pairs_mining: true
        sampler:
          name: balance
          args: {n_labels: 2, n_instances: 4}
        optimizer:
          name: adam
          args: {lr: 0.01}
        batch_size_inference: 32
        postprocessor:
          name: pairwise_reranker
          args:
            top_n: 3
            pairwise_model: ${pairwise_model}
            batch_size: 16
        max_epochs: 3
        valid_period: 1
        metric_args: {cmc_top_k: [1, 3], map_top_k: [3], fmr_vals: [], pcf_variance: []}
        metric_for_checkpointing: OVERALL/cmc/1
        log_images: false
        {{{extra}}}
        """;

    public void Dispose() => _directory.Dispose();
}

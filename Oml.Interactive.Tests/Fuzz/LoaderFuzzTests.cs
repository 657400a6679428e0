using System.Text;
using System.Text.Json;
using CsCheck;
using Oml.Images;
using Oml.Metrics;
using Oml.Pipelines;

namespace Oml.Tests.Fuzz;

/// <summary>
/// Seeded, deterministic fuzzing of what users hand in: a thousand mutated <c>df.csv</c> files through the dataframe
/// validator, <see cref="DatasetFrame.Load"/> and the image check, and a thousand mutated YAML configs with mutated
/// overrides through the four config loaders. Every outcome must be success or an <see cref="OmlException"/> (the
/// CLI's exit 2 with one message); any other exception fails with the input that caused it. Iteration i draws its
/// input with CsCheck from the seed <c>PCG(stream, i)</c>, so a failure names a seed that reproduces it.
/// </summary>
public sealed partial class LoaderFuzzTests : TempDirectoryTest
{
    /// <summary>1000; OML_FUZZ_ITERATIONS=N runs more (a longer hunt, same seeds first).</summary>
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("OML_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 1000;

    /// <summary>
    /// Runs <paramref name="run"/> on <see cref="Iterations"/> inputs of <paramref name="gen"/>; collects every
    /// exception that is not an <see cref="OmlException"/>, and counts both outcomes (a fuzzer whose inputs all pass,
    /// or all fail, tests little).
    /// </summary>
    private static (int Loaded, int Refused) Fuzz<T>(Gen<T> gen, uint stream, Func<T, int> run, Func<T, string> print)
    {
        var failures = new List<string>();
        int loaded = 0, refused = 0;
        var messages = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Iterations && failures.Count < 5; i++)
        {
            var seed = new PCG(stream, (ulong)i).ToString();
            try
            {
                gen.Sample(input =>
                {
                    try
                    {
                        loaded += run(input);
                    }
                    catch (OmlException e)
                    {
                        refused++; // a user error, reported as one
                        var text = e.Details.Count > 0 ? e.Details[0] : e.Message;
                        var shape = Digits().Replace(text.Replace(Path.GetTempPath(), "<tmp>/", StringComparison.Ordinal), "#");
                        messages.Add(shape.Length > 140 ? shape[..140] : shape);
                    }
                }, seed: seed, iter: 1, threads: 1, print: print);
            }
            catch (CsCheckException e)
            {
                var inner = e.InnerException;
                failures.Add($"iteration {i}, seed {seed}: {inner?.GetType().FullName}: {inner?.Message}\n{e.Message}\n{inner?.StackTrace}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} inputs ended in something other than success or OmlException:\n\n{string.Join("\n\n", failures)}");
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{Iterations} inputs: {loaded} loads succeeded, {refused} refused with an OmlException; {messages.Count} distinct messages:");
        foreach (var message in messages) output?.WriteLine("  " + message.ReplaceLineEndings(" "));
        return (loaded, refused);
    }

    private static string Show(string text) => JsonSerializer.Serialize(text);

    // ---------------------------------------------------------------- df.csv

    private static readonly string[] BaseCsv =
    [
        "label,path,split,is_query,is_gallery,x_1,x_2,y_1,y_2,category,sequence",
        "0,img/0.png,train,,,0,8,0,8,shoes,",
        "0,img/1.png,train,,,1,7,2,6,shoes,",
        "1,img/2.png,train,,,,,,,bags,",
        "1,img/3.png,train,,,,,,,bags,",
        "2,img/4.png,train,,,0,4,0,4,bags,",
        "2,img/5.png,train,,,,,,,bags,",
        "3,img/6.png,validation,True,True,,,,,shoes,s1",
        "3,img/7.png,validation,True,True,0,8,0,8,shoes,s2",
        "4,img/8.png,validation,True,False,,,,,bags,s1",
        "4,img/9.png,validation,False,True,,,,,bags,s3",
        "5,../outside.png,validation,True,True,,,,,bags,s4",
        "5,img/0.png,validation,True,True,2,6,2,6,bags,s5",
    ];

    /// <summary>Cells a user (or a broken export) may write.</summary>
    private static readonly string[] BadCells =
    [
        "", " ", "nan", "None", "NULL", "-1", "0", "1", "2", "3", "True", "False", "true", "1.0", "0.0", "1.5", "-0", "+1", "1_000", "0x1F",
        "1e308", "-1e308", "1e999", "NaN", "inf", "-inf", "Infinity", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999", "2147483647", "2147483648", "-2147483649", "4294967296", "abc", "\"", "\"\"", "\"a,b\"", "a,b", "\"a\nb\"",
        "\"unterminated", "\uFEFF1", "\uFF11", "\u0663", "train", "validation", "test", "Train", "img/0.png", "img/1.png", "../outside.png",
        "../../../../../../etc/passwd", "/etc/passwd", "/", ".", "..", "img", "img/", "C:\\x.png", "\\\\server\\share\\x.png", "~/x.png",
        "file:///etc/passwd", "img/\0.png", "img/ 0.png", " img/0.png ", new string('x', 5000), "img/" + new string('a', 300) + ".png",
        "a\tb", "\r", "\U0001D7D8", "\uD800", "%s", "${x}", "=1+1", "'1'", "shoes", "s1",
    ];

    private sealed record CsvEdit(int Kind, int A, int B, int Value);

    private const int CsvKinds = 22;

    private static readonly Gen<(CsvEdit[] Edits, bool CheckFiles, bool ExplicitRoot)> CsvInputs = Gen.Select(
        Gen.Select(Gen.Int[0, CsvKinds - 1], Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, BadCells.Length - 1], (k, a, b, v) => new CsvEdit(k, a, b, v)).Array[1, 6],
        Gen.Bool, Gen.Bool);

    /// <summary>The bytes of a mutated df.csv: cell, column and row edits first, then edits of the text and its bytes.</summary>
    private static byte[] MutateCsv(IEnumerable<CsvEdit> edits)
    {
        var grid = BaseCsv.Select(line => line.Split(',').ToList()).ToList();
        var later = new List<CsvEdit>();
        foreach (var e in edits)
        {
            var row = grid.Count == 0 ? null : grid[e.A % grid.Count];
            var columns = grid.Count == 0 ? 0 : grid.Max(r => r.Count);
            var value = BadCells[e.Value];
            switch (e.Kind)
            {
                case 0 or 1 or 2 when row is { Count: > 0 }: // a bad cell (most common)
                    row[e.B % row.Count] = value;
                    break;
                case 3 when columns > 0: // delete a column
                    foreach (var r in grid.Where(r => r.Count > e.B % columns)) r.RemoveAt(e.B % columns);
                    break;
                case 4 when columns > 0: // duplicate a column
                    foreach (var r in grid.Where(r => r.Count > e.B % columns)) r.Insert(e.A % (r.Count + 1), r[e.B % columns]);
                    break;
                case 5 when columns > 0: // swap two columns
                    foreach (var r in grid.Where(r => r.Count > Math.Max(e.A % columns, e.B % columns))) (r[e.A % columns], r[e.B % columns]) = (r[e.B % columns], r[e.A % columns]);
                    break;
                case 6 when columns > 0: // swap two header names only
                    var header = grid[0];
                    if (header.Count > Math.Max(e.A % columns, e.B % columns)) (header[e.A % columns], header[e.B % columns]) = (header[e.B % columns], header[e.A % columns]);
                    break;
                case 7 when row is not null: // delete a row
                    grid.Remove(row);
                    break;
                case 8 when row is not null: // duplicate a row
                    grid.Insert(e.B % (grid.Count + 1), row.ToList());
                    break;
                case 9 when row is not null: // an extra cell
                    row.Add(value);
                    break;
                case 10 when row is { Count: > 0 }: // a missing cell
                    row.RemoveAt(row.Count - 1);
                    break;
                case 11 when columns > 0 && grid[0].Count > 0: // rename a header column
                    grid[0][e.B % grid[0].Count] = value;
                    break;
                case 12 when columns > 0: // the same bad value in a whole column
                    foreach (var r in grid.Skip(1).Where(r => r.Count > e.B % columns)) r[e.B % columns] = value;
                    break;
                case 13 when row is { Count: > 0 }: // a huge number
                    row[e.B % row.Count] = new string('9', 1 + e.Value * 7);
                    break;
                default:
                    later.Add(e);
                    break;
            }
        }

        var text = string.Join("\n", grid.Select(r => string.Join(",", r))) + "\n";
        var bytes = (byte[]?)null;
        foreach (var e in later)
        {
            var at = text.Length == 0 ? 0 : e.A * text.Length / 100;
            switch (e.Kind)
            {
                case 14: text = "\uFEFF" + text; break;                       // a BOM
                case 15: text = text.Insert(at, "\uFEFF"); break;             // a BOM inside
                case 16: text = text[..at]; break;                            // truncated
                case 17: text = text.Replace("\n", "\r\n", StringComparison.Ordinal); break;
                case 18: text = text.Replace("\n", "\r", StringComparison.Ordinal); break;
                case 19: text = text.Insert(at, e.B % 2 == 0 ? "\"" : "\n\n"); break;
                case 20: text = e.B % 3 == 0 ? "" : e.B % 3 == 1 ? BaseCsv[0] : text.Replace(',', ';'); break;
                case 21: bytes = [.. Encoding.UTF8.GetBytes(text[..at]), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(text[at..])]; break; // not UTF-8
                default: text = text.Insert(at, BadCells[e.Value]); break;
            }
        }
        return bytes ?? Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public void MutatedDataframesAreLoadedOrRefusedWithAnOmlException()
    {
        var root = Dir.File("data");
        Directory.CreateDirectory(Path.Combine(root, "img"));
        for (var i = 0; i < 10; i++)
        {
            using var image = new RgbImage(8, 8);
            image.Pixels.Fill((byte)(i * 20));
            File.WriteAllBytes(Path.Combine(root, "img", $"{i}.png"), ImageEncoding.EncodePng(image));
        }
        File.Copy(Path.Combine(root, "img", "1.png"), Dir.File("outside.png"));
        var csv = Path.Combine(root, "df.csv");

        var (loaded, refused) = Fuzz(CsvInputs, 1, input =>
        {
            File.WriteAllBytes(csv, MutateCsv(input.Edits));
            var options = new DatasetLoadOptions { CheckFilesExist = input.CheckFiles, DatasetRoot = input.ExplicitRoot ? root : null };
            var validation = DatasetFrame.Validate(csv, options);
            DatasetFrame frame;
            try
            {
                frame = DatasetFrame.Load(csv, options);
            }
            catch (OmlException)
            {
                Assert.False(validation.IsValid, "DatasetFrame.Load refused a frame that DatasetFrame.Validate found valid");
                throw;
            }
            Assert.True(validation.IsValid, "DatasetFrame.Load accepted a frame that DatasetFrame.Validate found invalid");

            // what the pipelines and front ends do with a loaded frame
            _ = frame.Summarize().ToString();
            _ = frame.TrainLabelToCategory();
            if (frame.Validation.Count > 0)
            {
                _ = ValidationSet.Setup(frame);
                _ = ValidationSet.Categories(frame);
            }
            // written back and read again: the same rows
            var again = DatasetFrame.FromRows(frame.Rows.ToArray(), frame.DatasetRoot, checkFilesExist: false);
            Assert.Equal(frame.Rows.Select(r => r with { RowNumber = 0 }), again.Rows.Select(r => r with { RowNumber = 0 }));
            if (input.CheckFiles) _ = DatasetImageCheck.Run(frame);
            return 1;
        }, input => $"checkFiles={input.CheckFiles}, explicitRoot={input.ExplicitRoot}, edits=[{string.Join(", ", input.Edits)}]\ndf.csv = {Show(Encoding.UTF8.GetString(MutateCsv(input.Edits)))}");
        Assert.True(loaded > Iterations / 10 && refused > Iterations / 10, $"{loaded} frames loaded, {refused} refused: the mutations should give plenty of both");
    }

    // ---------------------------------------------------------------- YAML configs and overrides

    private static string[] BaseConfigs(string root) =>
    [
        $$$"""
        seed: 7
        accelerator: cpu
        dataset_root: {{{root}}}
        dataframe_name: df.csv
        logs_root: logs
        logs_folder: ${now:%Y-%m-%d_%H-%M-%S}_${postfix}
        postfix: run
        num_workers: 0
        cache_size: 10
        transforms_train:
          name: augs_torch
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
        scheduling:
          scheduler_interval: epoch
          scheduler_frequency: 1
          scheduler:
            name: multi_step
            args: {gamma: 0.1, milestones: [1, 2]}
        lightning_trainer_extra_args: {max_time: "00:01:00:00", limit_train_batches: 5}
        max_epochs: 2
        valid_period: 1
        metric_args: {cmc_top_k: [1, 5], map_top_k: [5], fmr_vals: [0.1], pcf_variance: [0.5]}
        metric_for_checkpointing: OVERALL/cmc/1
        mode_for_checkpointing: max
        postprocessor: null
        log_images: false
        """,
        $$$"""
        defaults:
          - optimizer: adamw
          - sampler: balance
          - _self_
        seed: 1
        dataset_root: {{{root}}}
        dataframe_name: df.csv
        transforms_train: {name: norm_resize_torch, args: {im_size: 32}}
        transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
        bs_val: 8
        extractor: {name: resnet, args: {arch: resnet18, weights: null}}
        criterion: {name: arcface, args: {in_features: 512, num_classes: 4}}
        max_epochs: 1
        valid_period: 1
        metric_for_checkpointing: OVERALL/map/5
        """,
        $$$"""
        accelerator: cpu
        dataset_root: {{{root}}}
        dataframe_name: df.csv
        transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
        bs_val: 16
        extractor: {name: resnet, args: {arch: resnet18, weights: null}}
        postprocessor: {name: constant_thresholding, args: {th: 0.5}}
        metric_args: {cmc_top_k: [1], distance: cosine}
        save_dir: out
        """,
        $$$"""
        seed: 42
        dataset_root: {{{root}}}
        dataframe_name: df.csv
        logs_root: logs
        logs_folder: pp_${pairwise_model.name}
        num_workers: 0
        embeddings_cache_dir: ${logs_root}/cache
        extractor_weights: null
        extractor: {name: resnet, args: {arch: resnet18, weights: "${extractor_weights}"}}
        transforms_extraction: {name: norm_resize_torch, args: {im_size: 32}}
        transforms_train: {name: norm_resize_torch, args: {im_size: 32}}
        pairwise_model: {name: linear_siamese, args: {feat_dim: 512, identity_init: true}}
        hard_pairs_mining: true
        sampler: {name: balance, args: {n_labels: 2, n_instances: 2}}
        optimizer: {name: adam, args: {lr: 0.01}}
        batch_size_inference: 16
        postprocessor: {name: pairwise_reranker, args: {top_n: 3, pairwise_model: "${pairwise_model}", batch_size: 8}}
        max_epochs: 1
        valid_period: 1
        metric_for_checkpointing: OVERALL/cmc/1
        """,
        $$$"""
        accelerator: cpu
        dataframe: {{{root}}}/df.csv
        dataset_root: {{{root}}}
        save_dir: predict
        bs: 8
        num_workers: 0
        transforms_predict: {name: norm_resize_torch, args: {im_size: 32}}
        extractor: {name: resnet, args: {arch: resnet18, weights: null}}
        """,
    ];

    /// <summary>YAML values and whole lines a user may write.</summary>
    private static readonly string[] YamlValuesPool =
    [
        "null", "~", "[]", "{}", "[1, 2]", "[[1]]", "[[[[1]]]]", "{a: 1}", "{name: x}", "{name: adam, args: 5}", "{name: 5, args: {}}", "-1", "0", "1", "2",
        "1.5", "1e400", "-1e400", ".nan", ".inf", "-.inf", "9223372036854775807", "9223372036854775808", "99999999999999999999", "true", "false",
        "'str'", "\"str\"", "abc", "${now:%Y}", "${now:%Q}", "${now:%}", "${now:}", "${oc.env:OML_FUZZ_UNSET}", "${oc.env:OML_FUZZ_UNSET,3}",
        "${oc.env:OML_FUZZ_UNSET,[1}", "${oc.env:}", "${missing}", "${seed}", "${a.b}", "${.x}", "${", "}", "${}", "${ }", "${seed", "\\${seed}",
        "${extractor}", "${metric_args.cmc_top_k.0}", "${metric_args.cmc_top_k.9}", "${optimizer.args}", "&x 1", "*x", "!!binary AAAA", "!!int x",
        "!!float abc", "!!set {a, b}", "!!omap [a: 1]", "!!timestamp 2001-12-14", "!!str 5", "!!null ''", "!custom x", "|\n  block", ">-", "'unterminated",
        "\"unterminated", "[1, 2", "{a: 1", "- item", "@", "`", "%", "? complex", "1:2", "2001-12-14", "0x1F", "0o17", "1_000", "+.5", "--", "\t",
        "a: b: c", "'  '", "\"\\u0000\"", "\"\\uD800\"", new string('x', 3000), "OVERALL/cmc/1", "max", "min", "auto", "gpu", "cuda", "[cpu]",
        "00:00:00", "1:2:3:x", "DD:HH:MM:SS", "[a, b]", "{scheduler: {name: step, args: {}}}", "{scheduler: {name: reduce_on_plateau, args: {}}, monitor_metric: x}",
    ];

    private static readonly string[] YamlLines =
    [
        "defaults: [optimizer: nope, _self_]", "defaults: 5", "defaults: [{a: b, c: d}]", "defaults: [optimizer: null]", "defaults: [miner@criterion.args.miner: hard_triplets]",
        "defaults: [override optimizer: sgd]", "defaults: [5]", "? [a, b]\n: c", "? {a: 1}\n: c", "&a base: {x: 1}\nother: *a", "<<: {seed: 3}", "base: &b {x: 1}\nmerged: {<<: *b}", "loop: &l [*l]", "loop: &m {a: *m}", "deep: " + new string('[', 70) + new string(']', 70),
        "%YAML 1.1\n---", "---\nseed: 1\n---\nseed: 2", "...", "hydra: {run: {dir: x}}", "seed: 1\nseed: 2", "x: ${x}", "x: ${y}\ny: ${x}", "x: [${x}]",
        "x: {y: ${x}}", "x: ${now:%Y}${now:%j}", "5: five", "null: x", "true: y", "'': empty", "[]", "- a\n- b", "just a string", "\t seed: 1",
        "seed: 1 # comment", "extractor: !!python/object:os.system {}", "devices: [0, 1]", "devices: x", "precision: 16", "precision: bf16-mixed",
        "find_unused_parameters: true", "logger: {name: wandb}", "resume: ${logs_root}/x.ckpt", "lightning_trainer_extra_args: {max_time: '1:2', gpus: 1}",
        "lightning_trainer_extra_args: 5", "scheduling: {scheduler: {name: nope}}", "scheduling: []", "metric_args: {cmc_top_k: [0]}", "metric_args: {fmr_vals: [2]}",
        "metric_args: {distance: manhattan}", "metric_args: []", "max_image_pixels: 0", "max_image_pixels: -5", "max_image_pixels: 1e30", "max_image_pixels: x",
        "criterion: {name: triplet_with_miner, args: {miner: {name: nope}}}", "sampler: {name: balance, args: {n_labels: 1e9}}", "postprocessor: pairwise_reranker",
        "postprocessor: {name: pairwise_reranker, args: {pairwise_model: 5}}", "pairwise_model: {name: concat_siamese, args: {extractor: 5}}", "extractor_weights: [1]",
    ];

    private static readonly string[] OverrideKeys =
    [
        "seed", "accelerator", "devices", "precision", "dataset_root", "dataframe_name", "logs_root", "logs_folder", "postfix", "num_workers", "cache_size",
        "transforms_train", "transforms_val", "transforms_train.args.im_size", "sampler", "sampler.args.n_labels", "bs_train", "bs_val", "extractor",
        "extractor.args.arch", "extractor.args.weights", "criterion", "criterion.args.margin", "criterion.args.miner", "optimizer", "optimizer.args.lr",
        "scheduling", "scheduling.scheduler.name", "scheduling.scheduler_interval", "max_epochs", "valid_period", "metric_args", "metric_args.cmc_top_k",
        "metric_args.distance", "metric_for_checkpointing", "mode_for_checkpointing", "postprocessor", "postprocessor.args.top_n", "log_images", "resume",
        "lightning_trainer_extra_args.max_time", "max_image_pixels", "save_dir", "data_dir", "dataframe", "bs", "transforms_predict", "pairwise_model",
        "pairwise_model.args.feat_dim", "hard_pairs_mining", "embeddings_cache_dir", "batch_size_inference", "transforms_extraction", "freeze_n_epochs",
        "show_dataset_warnings", "hydra.run.dir", "defaults", "metric_args.cmc_top_k.0", "a.b.c", "unknown_key", "ключ",
    ];

    private static readonly string[] RawOverrides =
    [
        "a..b=1", ".a=1", "a.=1", "=", "~", "+", "~a.b.c", "~seed", "~extractor.args", "seed=[", "seed={", "seed='", "seed=\"", "metric_args.cmc_top_k.0=5",
        " seed = 3 ", "seed", "=3", "optimizer=nope", "optimizer=sgd", "optimizer=adamw", "criterion.args.miner=hard_triplets", "postprocessor=k_reciprocal",
        "postprocessor=pairwise_reranker", "sampler=category_balance", "extractor=vit", "transforms_val=norm_resize_albu", "scheduler=step", "miner=all_triplets",
        "logs_folder=${now:%Q}", "seed=${oc.env:OML_FUZZ_UNSET}", "seed=1e400", "max_epochs=-1", "defaults=[]", "+defaults=[optimizer: sgd]", "~defaults",
        "extractor.args=5", "scheduling.scheduler.args.milestones=[a]", "seed=${seed}", "~hydra", "+new.deep.key=1", "extractor.name.x=1", "data_dir=null",
        "dataframe=null", "data_dir=photos", "dataframe=other.csv",
    ];

    private sealed record YamlEdit(int Kind, int A, int B, int Value);

    private sealed record OverrideEdit(int Form, int Key, int Value);

    private static readonly Gen<(int Base, YamlEdit[] Edits, OverrideEdit[] Overrides)> ConfigInputs = Gen.Select(
        Gen.Int[0, 4],
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 999], (k, a, b, v) => new YamlEdit(k, a, b, v)).Array[0, 4],
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 999], Gen.Int[0, 999], (f, k, v) => new OverrideEdit(f, k, v)).Array[0, 4]);

    private static string MutateYaml(string yaml, IEnumerable<YamlEdit> edits)
    {
        var lines = yaml.Split('\n').ToList();
        var text = (string?)null;
        foreach (var e in edits)
        {
            if (lines.Count == 0) lines.Add("");
            var i = e.A % lines.Count;
            var value = YamlValuesPool[e.Value % YamlValuesPool.Length];
            switch (e.Kind)
            {
                case 0: lines.RemoveAt(i); break;                                           // a key (or part of a block) deleted
                case 1: lines.Insert(e.B % (lines.Count + 1), lines[i]); break;             // duplicated: a duplicate key, or a line moved into a block
                case 2: (lines[i], lines[e.B % lines.Count]) = (lines[e.B % lines.Count], lines[i]); break;
                case 3 or 4 or 5:                                                           // a bad value (most common)
                    var colon = lines[i].IndexOf(": ", StringComparison.Ordinal);
                    lines[i] = colon >= 0 ? lines[i][..(colon + 2)] + value : lines[i] + ": " + value;
                    break;
                case 6: lines[i] = new string(' ', 1 + e.B % 4) + lines[i]; break;         // indented
                case 7: lines[i] = lines[i].TrimStart(); break;                            // dedented
                case 8: lines[i] = "\t" + lines[i]; break;
                case 9: lines.Insert(i, YamlLines[e.Value % YamlLines.Length]); break;
                case 10: lines[i] = lines[i].Insert(e.B * lines[i].Length / 100, value); break;
                default:
                    var joined = string.Join("\n", lines);
                    text = e.B % 3 == 0 ? "\uFEFF" + joined : e.B % 3 == 1 ? joined[..(e.A * joined.Length / 100)] : joined.Replace("\n", "\r\n", StringComparison.Ordinal);
                    lines = text.Split('\n').ToList();
                    break;
            }
        }
        return string.Join("\n", lines);
    }

    private static string[] Overrides(IEnumerable<OverrideEdit> edits) => edits.Select(e =>
    {
        var key = OverrideKeys[e.Key % OverrideKeys.Length];
        var value = YamlValuesPool[e.Value % YamlValuesPool.Length];
        return e.Form switch
        {
            0 or 1 => $"{key}={value}",
            2 => $"+{key}={value}",
            3 => $"~{key}",
            4 => RawOverrides[e.Value % RawOverrides.Length],
            _ => $"{key}.{OverrideKeys[e.Value % OverrideKeys.Length]}={value}",
        };
    }).ToArray();

    [Fact]
    public void MutatedConfigsAndOverridesAreLoadedOrRefusedWithAnOmlException()
    {
        var root = Dir.File("data");
        Directory.CreateDirectory(root);
        var bases = BaseConfigs(root);
        var path = Dir.File("config.yaml");
        Directory.CreateDirectory(Dir.File("optimizer"));
        File.WriteAllText(Dir.File("optimizer/custom.yaml"), "name: sgd\nargs: {lr: 0.1}\n");

        var (loaded, refused) = Fuzz(ConfigInputs, 2, input =>
        {
            File.WriteAllText(path, MutateYaml(bases[input.Base], input.Edits));
            var overrides = Overrides(input.Overrides);
            var now = new DateTime(2026, 1, 2, 3, 4, 5);
            // every loader (the config is written to the run folder after it loads); loaded when one of them takes it
            var errors = new List<OmlException>();
            var loads = Check(() => ConfigYaml.Serialize(TrainPipelineConfig.Load(path, overrides, now).Values), errors)
                        + Check(() => ConfigYaml.Serialize(TrainPipelineConfig.LoadPostprocessor(path, overrides, now).Values), errors)
                        + Check(() => ConfigYaml.Serialize(ValidatePipelineConfig.Load(path, overrides).Values), errors)
                        + Check(() => ConfigYaml.Serialize(PredictPipelineConfig.Load(path, overrides).Values), errors)
                        + Check(() => ConfigYaml.Serialize(EvaluatePipelineConfig.Load(path, overrides, new Dictionary<string, object?> { ["embeddings"] = "emb.npy" }).Values), errors);
            return loads > 0 ? 1 : throw errors[0];
        }, input => $"base config {input.Base}, edits=[{string.Join(", ", input.Edits)}]\noverrides = {Show(string.Join(" | ", Overrides(input.Overrides)))}\n" +
                    $"config.yaml = {Show(MutateYaml(BaseConfigs("<root>")[input.Base], input.Edits))}");
        Assert.True(loaded > Iterations / 10 && refused > Iterations / 10, $"{loaded} configs loaded, {refused} refused by every loader: the mutations should give plenty of both");
    }

    /// <summary>One loader: 1 when it loads, 0 for a user error (kept in <paramref name="errors"/>); anything else escapes to the harness.</summary>
    private static int Check(Func<object> load, List<OmlException> errors)
    {
        try
        {
            load();
            return 1;
        }
        catch (OmlException e)
        {
            errors.Add(e);
            return 0;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex Digits();
}

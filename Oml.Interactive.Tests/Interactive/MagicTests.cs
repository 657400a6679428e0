using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Oml.Data.Sources;
using Oml.Interactive;

namespace Oml.Tests.Interactive;

[Collection(KernelCollection.Name)]
public sealed class MagicTests : TrainingKernelTest
{
    /// <summary>The commands of type <typeparamref name="T"/> that the kernel handles from now on.</summary>
    private List<T> Captured<T>() where T : KernelCommand
    {
        var commands = new List<T>();
        Kernel.AddMiddleware(async (command, context, next) =>
        {
            if (command is T t) commands.Add(t);
            await next(command, context);
        });
        return commands;
    }

    [Fact]
    public async Task Options_bind_from_csharp_variables_and_several_set_values_apply()
    {
        var commands = Captured<OmlTrain>();
        (await Kernel.SubmitCodeAsync("var cfg = \"no/such/config.yaml\"; var lr = \"optimizer.args.lr=0.5\";")).AssertSucceeded();

        var result = await Kernel.SubmitCodeAsync("#!oml-train --config @csharp:cfg --set max_epochs=3 --set @csharp:lr --name run");

        var bound = Assert.Single(commands);   // the handler completes --set (see RepeatedOptions) on the same command object
        Assert.Equal("no/such/config.yaml", bound.Config);
        Assert.Equal(["max_epochs=3", "optimizer.args.lr=0.5"], bound.Set);
        Assert.Equal("run", bound.Name);
        Assert.Contains("config.yaml", result.Failure());
    }

    [Fact]
    public async Task A_single_set_and_the_implicit_config_bind_too()
    {
        var commands = Captured<OmlValidate>();
        await Kernel.SubmitCodeAsync("#!oml-validate \"some dir/cfg.yaml\" --set bs_val=4");
        var bound = Assert.Single(commands);
        Assert.Equal("some dir/cfg.yaml", bound.Config);
        Assert.Equal(["bs_val=4"], bound.Set);
    }

    [Fact]
    public async Task A_bad_config_fails_the_cell_with_the_oml_message_without_a_stack_trace_and_the_kernel_stays_usable()
    {
        var config = Dir.Write("bad.yaml", TrainingData.Config(Dir.File("logs")) + "\nno_such_key: 1\n");

        var result = await Kernel.SubmitCodeAsync($"#!oml-train --config \"{config}\" --set max_epochs=1");

        var message = result.Failure();
        Assert.NotNull(message);
        Assert.Contains("no_such_key", message);
        Assert.DoesNotContain("   at ", message);
        Assert.DoesNotContain("OmlException", message);
        var next = await Kernel.SubmitCodeAsync("40 + 2");
        next.AssertSucceeded();
        Assert.Equal(42, next.ReturnValue());
    }

    [Fact]
    public async Task Dataset_magic_shows_the_frame_and_binds_it()
    {
        var csv = Path.Combine(TrainingData.DatasetRoot, "df.csv");
        var result = await Kernel.SubmitCodeAsync($"#!oml-dataset \"{csv}\" --name ds");
        result.AssertSucceeded();
        var shown = Assert.Single(result.Events.OfType<DisplayedValueProduced>());
        Assert.Contains("oml-dataset", shown.Html());

        var next = await Kernel.SubmitCodeAsync("ds.Rows.Count");
        next.AssertSucceeded();
        Assert.Equal(64, next.ReturnValue());
    }

    [Fact]
    public async Task Train_magic_updates_one_live_display_binds_the_run_and_shows_the_worst_queries()
    {
        var config = Dir.Write("train.yaml", TrainingData.Config(Dir.File("logs")));
        var events = new List<KernelEvent>();
        using var subscription = Kernel.KernelEvents.Subscribe(events.Add);
        OmlKernelExtension.LiveUpdateInterval = TimeSpan.FromMilliseconds(100);

        var result = await Kernel.SubmitCodeAsync($"#!oml-train --config \"{config}\" --set max_epochs=2 --set bs_val=16 --name run");

        result.AssertSucceeded();
        var produced = result.Events.OfType<DisplayedValueProduced>().ToArray();
        var live = produced.First();
        Assert.Contains("oml-live", live.Html());
        var updates = result.Events.OfType<DisplayedValueUpdated>().ToArray();
        Assert.True(updates.Length >= 2, $"{updates.Length} updates");
        Assert.All(updates, u => Assert.Equal(live.ValueId, u.ValueId));
        Assert.Single(produced, p => p.Html().Contains("class=\"oml-live\"", StringComparison.Ordinal));
        // the live view turns into the final view: one output, its last update is the run's summary
        Assert.DoesNotContain(produced, p => p.Html().Contains("oml-training-run", StringComparison.Ordinal));
        var final = updates.Last().Html();
        Assert.Contains("oml-training-run", final);
        Assert.DoesNotContain("class=\"oml-live\"", final);
        Assert.Contains("data:image/jpeg;base64,", final);

        var next = await Kernel.SubmitCodeAsync("run.History.Count");
        next.AssertSucceeded();
        Assert.Equal(2, next.ReturnValue());
        Assert.True(File.Exists((await Kernel.SubmitCodeAsync("run.LastCheckpoint")).ReturnValue() as string));
    }

    [Fact]
    public async Task Train_magic_with_the_postprocessor_pipeline_trains_a_re_ranker_and_shows_it_against_the_extractor_alone()
    {
        var config = Dir.Write("pp.yaml", TrainingData.PostprocessorConfig(Dir.File("logs"), Dir.File("cache"),
            "  name: linear_siamese\n  args: {feat_dim: 512, identity_init: true}"));

        var result = await Kernel.SubmitCodeAsync($"#!oml-train --pipeline postprocessor --config \"{config}\" --set max_epochs=2 --name reranker");

        result.AssertSucceeded();
        var final = result.Events.OfType<DisplayedValueUpdated>().Last().Html();
        Assert.Contains("oml-training-run", final);
        Assert.Contains("extractor alone", final);
        Assert.Contains("before / after trained re-ranker", final);
        var model = await Kernel.SubmitCodeAsync("reranker.PairwiseModel.Input.ToString()");
        model.AssertSucceeded();
        Assert.Equal("Embeddings", model.ReturnValue());

        var wrong = await Kernel.SubmitCodeAsync($"#!oml-train --pipeline reranker --config \"{config}\"");
        Assert.Contains("--pipeline reranker: expected extractor (train an extractor) or postprocessor", wrong.Failure());
    }

    [Fact]
    public async Task Validate_magic_shows_metrics_and_worst_query_grids_with_thumbnails()
    {
        var config = Dir.Write("val.yaml", TrainingData.Config(Dir.File("logs")) + $"\nsave_dir: {Dir.File("val")}\n");

        var result = await Kernel.SubmitCodeAsync($"#!oml-validate --config \"{config}\" --name val");

        result.AssertSucceeded();
        var html = result.Events.OfType<DisplayEvent>().Last().Html();
        Assert.Contains("cmc/1", html);
        Assert.Contains("oml-retrieval-grid", html);
        Assert.Contains("data:image/jpeg;base64,", html);
        // 5 worst queries per visualized metric, each a query tile framed in the query colour
        var grids = html.Split("oml-retrieval-grid").Length - 1;
        Assert.True(grids >= 1);
        var queryFrames = html.Split(Oml.Visualization.TileColors.Css(Oml.Visualization.ImageTileKind.Query)).Length - 1;
        Assert.True(queryFrames >= 5 * grids, $"{queryFrames} query frames in {grids} grids");
        Assert.Contains(Oml.Visualization.TileColors.Css(Oml.Visualization.ImageTileKind.Correct), html);
        var next = await Kernel.SubmitCodeAsync("val.Result.Queries");
        next.AssertSucceeded();
        Assert.Equal(32, next.ReturnValue());

        // --worst 2 --metrics: one metric, two queries; --worst 0: no grid; a bad --worst is one line naming the option
        var two = await Kernel.SubmitCodeAsync($"#!oml-validate --config \"{config}\" --worst 2 --metrics OVERALL/map/5");
        two.AssertSucceeded();
        var twoHtml = System.Net.WebUtility.HtmlDecode(two.Events.OfType<DisplayEvent>().Last().Html());
        Assert.Equal(1, twoHtml.Split("oml-retrieval-grid").Length - 1);
        Assert.Contains("2 worst queries by OVERALL/map/5", twoHtml);
        var none = await Kernel.SubmitCodeAsync($"#!oml-validate --config \"{config}\" --worst 0");
        none.AssertSucceeded();
        Assert.DoesNotContain("oml-retrieval-grid", none.Events.OfType<DisplayEvent>().Last().Html());
        var bad = await Kernel.SubmitCodeAsync($"#!oml-validate --config \"{config}\" --worst many");
        var failed = Assert.Single(bad.Events.OfType<CommandFailed>());
        Assert.Equal("#!oml-validate --worst many: expected a whole number of queries, 0 or more", failed.Message);
    }

    [Fact]
    public async Task Validate_and_predict_magics_take_the_offline_pretrained_key()
    {
        const string pretrained = "--set extractor.args.arch=resnet18_mlnet --set extractor.args.weights=resnet18_mlnet_imagenet";
        var config = Dir.Write("val.yaml", TrainingData.Config(Dir.File("logs")) + $"\nsave_dir: {Dir.File("val")}\nlog_images: false\n");
        var validate = await Kernel.SubmitCodeAsync(
            $"#!oml-validate --config \"{config}\" {pretrained} --set transforms_val.name=norm_resize_mlnet --name zeroShot");
        validate.AssertSucceeded();
        var cmc = await Kernel.SubmitCodeAsync("zeroShot.Result.Metrics[\"OVERALL/cmc/1\"]");
        cmc.AssertSucceeded();
        Assert.True((double)cmc.ReturnValue()! > 0.4, $"zero-shot cmc/1 {cmc.ReturnValue()}");

        var predictConfig = Dir.Write("predict.yaml", $$$"""
            accelerator: cpu
            dataset_root: {{{TrainingData.DatasetRoot}}}
            dataframe: df.csv
            save_dir: {{{Dir.File("pred")}}}
            bs: 16
            num_workers: 0
            transforms_predict: {name: norm_resize_mlnet, args: {im_size: 32}}
            extractor: {name: resnet, args: {arch: resnet18, remove_fc: true, weights: null}}
            """);
        var predict = await Kernel.SubmitCodeAsync($"#!oml-predict --config \"{predictConfig}\" {pretrained} --name embedded");
        predict.AssertSucceeded();
        var shape = await Kernel.SubmitCodeAsync("(embedded.Images, embedded.Dimensions, embedded.Embeddings.Length)");
        shape.AssertSucceeded();
        Assert.Equal((64, 512, 64 * 512), shape.ReturnValue());
    }
}

using Oml.Views;
using System.Text.RegularExpressions;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

public sealed class TrainingLiveViewTests
{
    private const int Steps = 4;

    private static TrainStepCompleted Step(int epoch, int step, double loss) =>
        new(epoch, step, Steps, epoch * Steps + step + 1, loss, new Dictionary<string, double>(), 1e-3, 0.5, 0.01, 64, 0, 0, 0)
        { Elapsed = TimeSpan.FromSeconds(0.5 * (epoch * Steps + step + 1)) };

    private static Dictionary<string, double> Metrics(double cmc) => new() { ["OVERALL/cmc/1"] = cmc, ["OVERALL/precision/5"] = cmc / 2, ["a/cmc/1"] = cmc };

    /// <summary>Epochs 1 and 2 of 3 trained and validated (epoch 1 is the best); epoch 3 has not started.</summary>
    private static TrainingLiveView Scripted()
    {
        var view = new TrainingLiveView();
        view.Apply(new RunStarted("/runs/<r1>", "cpu", 0, 3, Steps, 32, 128, 40, 1_000_000, ["config key 'x' is ignored"]));
        for (var epoch = 0; epoch < 2; epoch++)
        {
            view.Apply(new EpochStarted(epoch, Steps, 1e-3));
            for (var s = 0; s < Steps; s++) view.Apply(Step(epoch, s, 2.0 - epoch - 0.1 * s));
            view.Apply(new EpochCompleted(epoch, 1.85 - epoch, 2, 0.1, 64));
            view.Apply(new ValidationStarted(epoch, 40));
            view.Apply(new ValidationProgress(20, 40));
            view.Apply(new ValidationCompleted(epoch, Metrics(epoch == 0 ? 0.8 : 0.6), "OVERALL/cmc/1", epoch == 0 ? 0.8 : 0.6, epoch == 0, 1.5));
            view.Apply(new CheckpointSaved("last", $"/runs/r1/last.pth", epoch));
        }
        view.Apply(new PipelineNote("<b>careful</b> & done"));
        return view;
    }

    [Fact]
    public void AfterAScriptedRunShowsProgressLossMetricsBestMarkAndEscapedNotes()
    {
        var view = Scripted();
        var html = view.Html();
        Assert.Contains("training epoch 2/3", html);
        Assert.Contains("epoch 2/3 | step 4/4", html);
        Assert.Contains("width:100%", html);
        Assert.Contains("loss <b>0.7000</b>", html);
        Assert.Contains("last epoch mean loss <b>0.8500</b>", html);
        Assert.Contains("images/s <b>64.0</b>", html);
        Assert.Contains("ETA <b>0:02</b>", html); // one more epoch of 4 steps x 0.5 s
        Assert.Equal(2, view.EtaSeconds(), 9);
        Assert.Equal([8], PathPoints(html).Select(p => p.Count));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => ((double)i + 1, 2.0 - i / 4 - 0.1 * (i % 4))), view.LossPoints());
        var rows = Regex.Matches(html, "<tr class=\"oml-live-metrics-row\"[^>]*>(.*?)</tr>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Contains("&#9733; best", rows[0]);
        Assert.DoesNotContain("best", rows[1]);
        Assert.Contains(">0.8000</td>", rows[0]);
        Assert.Contains(">0.3000</td>", rows[1]);
        Assert.Contains(">OVERALL/cmc/1</th>", html);
        Assert.DoesNotContain(">a/cmc/1</th>", html); // categories stay out of the live table
        Assert.Contains("&lt;b&gt;careful&lt;/b&gt; &amp; done", html);
        Assert.DoesNotContain("<b>careful</b>", html);
        Assert.Contains("config key &#39;x&#39; is ignored", html);
        Assert.Contains("/runs/&lt;r1&gt;", html);
        Assert.Contains("/runs/r1/last.pth (epoch 2)", html);
        AssertSelfContained(html);
        AssertInsideViewBoxes(html);

        var text = view.Text();
        Assert.Contains("epoch 2/3 step 4/4 loss 0.7000", text);
        Assert.Contains("1 *", text);
        Assert.Contains("note: <b>careful</b> & done", text);
    }

    [Fact]
    public void EpochTwoOfThreeWhileValidating()
    {
        var view = new TrainingLiveView();
        view.Apply(new RunStarted("/runs/r", "cuda:0", 0, 3, Steps, 32, 128, 40, 10, []));
        view.Apply(new EpochStarted(1, Steps, 1e-3));
        view.Apply(Step(1, 3, 1.0));
        view.Apply(new ValidationStarted(1, 40));
        view.Apply(new ValidationProgress(10, 40));
        var html = view.Html();
        Assert.Contains("epoch 2/3 | step 4/4", html);
        Assert.Contains("validating epoch 2", html);
        Assert.Contains("validation: 10/40 images", html);
        Assert.Contains("width:25%", html);
    }

    [Fact]
    public void RunCompletedShowsTheFinalState()
    {
        var view = Scripted();
        using var result = new TrainRunResult
        {
            RunDirectory = "/runs/r1", StopReason = TrainStopReason.Cancelled, EpochsCompleted = 2, BestCheckpoint = "/runs/r1/best.pth",
            LastCheckpoint = "/runs/r1/last.pth", BestMetric = 0.8, MonitoredMetric = "OVERALL/cmc/1", History = [],
        };
        view.Apply(new RunCompleted(result));
        Assert.True(view.IsCompleted);
        var html = view.Html();
        Assert.Contains("finished: Cancelled after 2 epoch(s)", html);
        Assert.Contains(">/runs/r1/best.pth</td>", html);
        Assert.Contains(">0.8000</td>", html);
        Assert.DoesNotContain("ETA", html);
        Assert.DoesNotContain("class=\"oml-progress\"", html);
        Assert.Contains("stopped: Cancelled after 2 epochs; best checkpoint /runs/r1/best.pth", view.Text());
        AssertSelfContained(html);
    }

    [Fact]
    public void LongRunsKeepTheLossSeriesSmallAndApplyIsThreadSafe()
    {
        var view = new TrainingLiveView();
        view.Apply(new RunStarted("/r", "cpu", 0, 1, 100_000, 8, 10, 10, 1, []));
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                view.Apply(new TrainStepCompleted(0, i, 100_000, worker * 25_000 + i + 1, 1.0, new Dictionary<string, double>(), 1e-3, 0.01, 0, 800, 0, 0, 0));
                if (i % 5000 == 0) Assert.Contains("oml-live", view.Html());
            }
        });
        Assert.Equal(100_001, view.Version);
        var points = view.LossPoints();
        Assert.InRange(points.Count, 2, TrainingLiveView.MaxLossPoints);
        Assert.All(points, p => Assert.Equal(1.0, p.Y, 9));
        Assert.InRange(PathPoints(view.Html()).Single().Count, 2, TrainingLiveView.MaxLossPoints);
    }
}

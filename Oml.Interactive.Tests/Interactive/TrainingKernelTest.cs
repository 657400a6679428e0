using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;
using Oml.Tests.Pipelines;

namespace Oml.Tests.Interactive;

/// <summary>
/// A kernel test that runs the pipelines: a kernel with the OML extension loaded, a temp folder and the small training
/// set. Disposing puts back what the extension changes process-wide (the live-update interval, the formatters).
/// </summary>
public abstract class TrainingKernelTest : IDisposable
{
    protected TrainingKernelTest()
    {
        OmlKernelExtension.Load(Kernel);
    }

    protected CompositeKernel Kernel { get; } = KernelHost.Create();

    protected TempDirectory Dir { get; } = new();

    protected TrainingFixture TrainingData { get; } = new();

    public void Dispose()
    {
        OmlKernelExtension.LiveUpdateInterval = TimeSpan.FromMilliseconds(500);
        Kernel.Dispose();
        Dir.Dispose();
        TrainingData.Dispose();
        Formatter.ResetToDefault();
    }
}

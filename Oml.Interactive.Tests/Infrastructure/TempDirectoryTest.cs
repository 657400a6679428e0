namespace Oml.Tests.Infrastructure;

/// <summary>A test class with a fresh temp folder of its own (<see cref="Dir"/>): xUnit makes an instance per test and disposes it after.</summary>
public abstract class TempDirectoryTest : IDisposable
{
    protected TempDirectory Dir { get; } = new();

    public void Dispose() => Dir.Dispose();
}

namespace Uploads.Gateway.Problems;

/// <summary>One entry of the error catalogue: a stable code, its HTTP status and its title.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Code">The stable code clients branch on (API.md, "Errors").</param>
/// <param name="Title">A short, fixed summary of the problem.</param>
/// <param name="RetryAfterSeconds">For errors worth retrying: the <c>Retry-After</c> to send, in seconds.</param>
public sealed record ApiError(int Status, string Code, string Title, int? RetryAfterSeconds = null);

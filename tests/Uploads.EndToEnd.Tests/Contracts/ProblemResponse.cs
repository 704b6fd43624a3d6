namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>An <c>application/problem+json</c> error with the API's stable <see cref="Code"/>.</summary>
internal sealed record ProblemResponse(int Status, string? Title, string? Detail, string? Code);

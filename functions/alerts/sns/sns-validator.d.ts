/** The maintained SNS message validator (https://github.com/aws/aws-js-sns-message-validator); it ships no types. */
declare module 'sns-validator' {
  class MessageValidator {
    constructor(hostPattern?: RegExp, encoding?: string);
    validate(
      message: Record<string, unknown> | string,
      callback: (error: Error | null, message?: Record<string, unknown>) => void,
    ): void;
  }
  export = MessageValidator;
}

/** Request bodies above these are refused (413): no household, message or form needs more. */
export const jsonLimit = '100kb';
export const formLimit = '32kb';

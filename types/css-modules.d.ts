// CSS Modules (Next bundles them): each class name maps to the generated one. For the browser
// project and the tests, which import components.
declare module "*.module.css" {
  const classes: { readonly [name: string]: string };
  export default classes;
}

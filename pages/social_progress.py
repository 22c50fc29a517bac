"""Social progress (placeholder until its issue lands)."""
import streamlit as st

st.title("Social progress")
st.info("This page is being built.")
